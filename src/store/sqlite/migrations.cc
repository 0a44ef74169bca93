#include "store/sqlite/migrations.h"

namespace vitrina::store::sqlite {
namespace {

constexpr Migration kMigrations[] = {
    {1, "accounts_listings_chat", R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
  blocked_until INTEGER,
  timezone      TEXT NOT NULL DEFAULT 'UTC',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL CHECK (role IN ('user', 'moderator', 'analyst', 'admin')),
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

-- Moderator skills as "vertical:<goods|realty|auto|jobs>" or "lang:<ru|en|...>".
CREATE TABLE moderator_skills (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  skill   TEXT NOT NULL,
  PRIMARY KEY (user_id, skill)
) WITHOUT ROWID;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);

CREATE TABLE listings (
  id               INTEGER PRIMARY KEY,
  seller_id        INTEGER NOT NULL REFERENCES users(id),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL,
  price            INTEGER NOT NULL CHECK (price >= 0),
  currency         TEXT NOT NULL DEFAULT 'RUB',
  vertical         TEXT NOT NULL CHECK (vertical IN ('goods', 'realty', 'auto', 'jobs')),
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  video_call_ready INTEGER NOT NULL DEFAULT 0,
  call_hours       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX listings_feed ON listings(status, id DESC);
CREATE INDEX listings_feed_video ON listings(status, video_call_ready, id DESC);
CREATE INDEX listings_by_seller ON listings(seller_id, id DESC);

CREATE TABLE conversations (
  id                  INTEGER PRIMARY KEY,
  listing_id          INTEGER NOT NULL REFERENCES listings(id),
  buyer_id            INTEGER NOT NULL REFERENCES users(id),
  seller_id           INTEGER NOT NULL REFERENCES users(id),
  last_message_id     INTEGER,
  buyer_last_read_id  INTEGER NOT NULL DEFAULT 0,
  seller_last_read_id INTEGER NOT NULL DEFAULT 0,
  buyer_unread        INTEGER NOT NULL DEFAULT 0,  -- kept in step by InsertMessage/MarkRead
  seller_unread       INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (listing_id, buyer_id),
  CHECK (buyer_id <> seller_id)
);
CREATE INDEX conversations_by_buyer ON conversations(buyer_id, updated_at DESC, id DESC);
CREATE INDEX conversations_by_seller ON conversations(seller_id, updated_at DESC, id DESC);

CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  sender_id       INTEGER NOT NULL REFERENCES users(id),
  text            TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
)sql"},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace vitrina::store::sqlite
