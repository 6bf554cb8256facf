-- A reply sent as an approved WhatsApp message template: its name, language and parameters
-- as JSON ({"name", "language", "parameters"}). NULL for every other message. The outbox
-- worker reads it to send the template instead of free text; `text` keeps the filled-in body
-- so search and the thread show what the customer received.
ALTER TABLE messages ADD COLUMN template TEXT;
