CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE IF NOT EXISTS documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id      text        NOT NULL,
  filename      text        NOT NULL,
  mime_type     text        NOT NULL,
  size_bytes    bigint      NOT NULL DEFAULT 0,
  storage_path  text,
  source_url    text,
  status        text        NOT NULL DEFAULT 'queued',
  chunk_count   integer     NOT NULL DEFAULT 0,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS documents_owner_created_idx ON documents (owner_id, created_at DESC);

CREATE TABLE IF NOT EXISTS chunks (
  id             bigserial PRIMARY KEY,
  document_id    uuid        NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  chunk_index    integer     NOT NULL,
  content        text        NOT NULL,
  token_estimate integer     NOT NULL DEFAULT 0,
  embedding      vector(1536) NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS chunks_document_idx ON chunks (document_id);
CREATE INDEX IF NOT EXISTS chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops);

CREATE TABLE IF NOT EXISTS conversations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id  text        NOT NULL,
  user_id     text        NOT NULL,
  title       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS conversations_session_idx ON conversations (session_id, user_id);
CREATE INDEX IF NOT EXISTS conversations_user_idx ON conversations (user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS messages (
  id              bigserial PRIMARY KEY,
  conversation_id uuid        NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role            text        NOT NULL CHECK (role IN ('user', 'assistant')),
  content         text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS messages_conversation_idx ON messages (conversation_id, created_at);

CREATE TABLE IF NOT EXISTS query_events (
  id                bigserial PRIMARY KEY,
  user_id           text        NOT NULL,
  session_id        text        NOT NULL,
  route             text        NOT NULL,
  latency_ms        integer     NOT NULL,
  prompt_tokens     integer,
  completion_tokens integer,
  retrieved_chunks  integer     NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS query_events_created_idx ON query_events (created_at);

CREATE TABLE IF NOT EXISTS daily_usage (
  day            date    NOT NULL,
  user_id        text    NOT NULL,
  queries        integer NOT NULL,
  avg_latency_ms integer NOT NULL,
  total_tokens   bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (day, user_id)
);
