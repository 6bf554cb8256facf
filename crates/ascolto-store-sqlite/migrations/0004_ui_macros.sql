-- Macros: canned replies agents insert into the reply box, with variables filled in.
-- Names are unique so an agent picking "Refund policy" always gets the same text.
CREATE TABLE macros (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
