CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE documents (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id     uuid NOT NULL,
  filename     text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
  mime_type    text NOT NULL,
  byte_size    integer NOT NULL CHECK (byte_size > 0),
  sha256       char(64) NOT NULL,
  body         text NOT NULL,
  status       text NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
  error        text,
  chunk_count  integer NOT NULL DEFAULT 0,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (owner_id, sha256)
);

CREATE INDEX documents_owner_created_idx ON documents (owner_id, created_at DESC, id DESC);

CREATE TABLE chunks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id     uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  ordinal         integer NOT NULL,
  content         text NOT NULL,
  token_estimate  integer NOT NULL,
  embedding       vector(1536) NOT NULL,
  UNIQUE (document_id, ordinal)
);

CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops);

CREATE TABLE conversations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id    uuid NOT NULL,
  title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX conversations_owner_updated_idx ON conversations (owner_id, updated_at DESC, id DESC);

CREATE TABLE messages (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Insertion order; two rows written by one statement share created_at.
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role             text NOT NULL CHECK (role IN ('user', 'assistant')),
  content          text NOT NULL,
  sources          jsonb,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq DESC);
