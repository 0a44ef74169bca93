// Chat: conversations on a listing and their messages.
#include <charconv>

#include "api/api.h"
#include "api/json_io.h"

namespace vitrina::api {

namespace json = boost::json;

namespace {

// Conversation cursors are "<updated_at_ms>.<id>".
Result<std::optional<store::TimeCursor>> ParseTimeCursor(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::optional<store::TimeCursor>();
  const auto dot = text->find('.');
  store::TimeCursor c;
  const char* begin = text->data();
  const char* end = begin + text->size();
  bool ok = dot != std::string::npos;
  if (ok) {
    auto a = std::from_chars(begin, begin + dot, c.updated_at);
    auto b = std::from_chars(begin + dot + 1, end, c.id);
    ok = a.ec == std::errc() && a.ptr == begin + dot && b.ec == std::errc() && b.ptr == end;
  }
  if (!ok) return base::InvalidArgument("invalid_cursor", "Query parameter 'cursor' is not valid");
  return std::optional<store::TimeCursor>(c);
}

}  // namespace

GuardFn ConversationMember(chat::ChatService& chat) {
  return [&chat](Context& ctx) -> Result<void> {
    const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
    TRY(chat.Get(ctx.user(), id));  // 404 for anyone but its two users
    return {};
  };
}

void AddChatRoutes(Api& api) {
  auto& chat = api.services().chat;

  api.Add(net::Verb::post, "/api/v1/listings/{id}/conversations", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "listing_not_found"));
            auto [conversation, created] = TRY(chat.Open(ctx.user(), id));
            return Api::Json(created ? 201 : 200, ConversationJson(conversation));
          });

  api.Add(net::Verb::get, "/api/v1/conversations", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 20, 100));
            auto after = TRY(ParseTimeCursor(ctx.req.Query("cursor")));
            auto rows = TRY(chat.List(ctx.user(), after, limit + 1));
            auto unread = TRY(chat.UnreadTotal(ctx.user()));
            auto page = Page(rows, limit, ConversationJson, [](const store::Conversation& c) {
              return std::to_string(c.updated_at) + "." + std::to_string(c.id);
            });
            page["unread_total"] = unread;
            return Api::Json(200, page);
          });

  api.Add(net::Verb::get, "/api/v1/conversations/{id}", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
            auto conversation = TRY(chat.Get(ctx.user(), id));
            return Api::Json(200, ConversationJson(conversation));
          });

  api.Add(net::Verb::post, "/api/v1/conversations/{id}/messages", Access::kUser, ConversationMember(chat),
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
            auto body = TRY(ParseObject(ctx.req.body));
            const auto text = TRY(ReqString(body, "text"));
            auto message = TRY(chat.Post(ctx.user(), id, text));
            return Api::Json(201, MessageJson(message));
          });

  api.Add(net::Verb::get, "/api/v1/conversations/{id}/messages", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
            const int limit = TRY(ParseLimit(ctx.req.Query("limit"), 50, 200));
            auto before = TRY(ParseQueryId(ctx.req.Query("cursor"), "cursor"));
            auto messages = TRY(chat.Messages(ctx.user(), id, before, limit + 1));
            // Ascending order; with one extra (oldest) row there is an older page.
            json::value next = nullptr;
            std::size_t first = 0;
            if (static_cast<int>(messages.size()) > limit) {
              first = 1;
              next = IdString(messages[1].id);
            }
            json::array items;
            for (std::size_t i = first; i < messages.size(); ++i) items.push_back(MessageJson(messages[i]));
            return Api::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
          });

  api.Add(net::Verb::post, "/api/v1/conversations/{id}/read", Access::kUser,
          [&](Context& ctx) -> Result<net::Response> {
            const auto id = TRY(ctx.PathId("id", "conversation_not_found"));
            TRY(chat.MarkRead(ctx.user(), id));
            net::Response res;
            res.status = 204;
            return res;
          });
}

}  // namespace vitrina::api
