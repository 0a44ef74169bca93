#pragma once
// Rows as the domain sees them. Plain values, no behaviour; backends fill them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace vitrina::store {

using Id = std::int64_t;
using base::TimeMs;

struct User {
  Id id = 0;
  std::string email;  // lower-cased
  std::string display_name;
  std::string password_hash;  // Argon2id, libsodium crypto_pwhash_str format
  std::vector<std::string> roles;  // always contains "user"
  std::vector<std::string> skills;  // moderators: "vertical:goods", "lang:ru", ...
  std::string status = "active";   // active | blocked
  std::optional<TimeMs> blocked_until;  // null with status=blocked: blocked for good
  std::string timezone = "UTC";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct NewUser {
  std::string email;
  std::string display_name;
  std::string password_hash;
  std::vector<std::string> roles;
  std::string timezone = "UTC";
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the bearer token; the token itself is never stored
  Id user_id = 0;
  std::string csrf_token;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

struct Listing {
  Id id = 0;
  Id seller_id = 0;
  std::string seller_name;
  std::string title;
  std::string description;
  std::int64_t price = 0;
  std::string currency = "RUB";
  std::string vertical;  // goods | realty | auto | jobs
  std::string status = "active";  // active | archived
  bool video_call_ready = false;
  std::string call_hours_json;  // {"timezone": "...", "weekly": [...]}, owned by listings::
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  // The seller's account state, read with the listing (blocked sellers' listings are hidden).
  std::string seller_status = "active";
  std::optional<TimeMs> seller_blocked_until;
};

struct ListingFilter {
  std::optional<bool> video_call_ready;
  std::optional<std::string> vertical;
  std::optional<Id> seller_id;
  std::vector<std::string> statuses = {"active"};
  std::optional<std::string> text;       // substring of the title or description
  bool only_active_sellers = true;       // hide listings of blocked sellers
  std::optional<Id> before_id;           // cursor: listings with id < before_id
  int limit = 20;
};

struct Message {
  Id id = 0;
  Id conversation_id = 0;
  Id sender_id = 0;
  std::string text;
  TimeMs created_at = 0;
};

struct Conversation {
  Id id = 0;
  Id listing_id = 0;
  std::string listing_title;
  Id buyer_id = 0;
  std::string buyer_name;
  Id seller_id = 0;
  std::string seller_name;
  std::optional<Message> last_message;
  std::int64_t unread_count = 0;  // for the viewer the row was read for
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Cursor for lists ordered by (updated_at DESC, id DESC).
struct TimeCursor {
  TimeMs updated_at = 0;
  Id id = 0;
};

}  // namespace vitrina::store
