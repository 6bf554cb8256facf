//! Ascolto on PostgreSQL (being written).
