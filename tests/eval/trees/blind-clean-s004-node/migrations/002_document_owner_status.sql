-- Retrieval filters on owner and status before ordering by distance.
CREATE INDEX IF NOT EXISTS documents_owner_ready_idx ON documents (owner_id) WHERE status = 'ready';
