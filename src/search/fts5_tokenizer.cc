#include "search/fts5_tokenizer.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "search/text.h"

namespace vitrina::search {
namespace {

Result<fts5_api*> Fts5Api(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return base::Internal(std::string("FTS5 is not available: ") + sqlite3_errmsg(db));
  }
  fts5_api* api = nullptr;
  sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (!api || api->iVersion < 2) return base::Internal("FTS5 API pointer unavailable");
  return api;
}

// The tokenizer holds no state: every call is independent, so one static object serves all.
struct VitrinaTokenizer {};
VitrinaTokenizer g_tokenizer;

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(&g_tokenizer);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer*) {}

int TokenizeFts5(Fts5Tokenizer*, void* ctx, int flags, const char* text, int bytes,
                 int (*token)(void*, int, const char*, int, int, int)) {
  if (!text || bytes <= 0) return SQLITE_OK;
  unsigned our_flags = kTags;
  if (flags & FTS5_TOKENIZE_PREFIX) our_flags |= kNoStem;
  int rc = SQLITE_OK;
  Tokenize(std::string_view(text, static_cast<std::size_t>(bytes)), our_flags,
           [&](std::string_view t, std::size_t begin, std::size_t end) {
             rc = token(ctx, 0, t.data(), static_cast<int>(t.size()), static_cast<int>(begin),
                        static_cast<int>(end));
             return rc == SQLITE_OK;
           });
  return rc;
}

fts5_tokenizer g_tokenizer_api = {Create, Delete, TokenizeFts5};

void Stats(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int, sqlite3_value**) {
  const int phrases = api->xPhraseCount(fts);
  std::array<std::int32_t, 80> fixed{};
  std::vector<std::int32_t> big;
  std::int32_t* out = fixed.data();
  if (phrases + 1 > static_cast<int>(fixed.size())) {
    big.assign(static_cast<std::size_t>(phrases) + 1, 0);
    out = big.data();
  }
  int tokens = 0;
  int rc = api->xColumnSize(fts, 0, &tokens);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  out[0] = tokens;
  int instances = 0;
  rc = api->xInstCount(fts, &instances);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK) break;
    if (column == 0 && phrase >= 0 && phrase < phrases) ++out[phrase + 1];
  }
  sqlite3_result_blob(ctx, out, static_cast<int>(sizeof(std::int32_t)) * (phrases + 1),
                      SQLITE_TRANSIENT);
}

}  // namespace

Result<void> RegisterFts5Tokenizer(sqlite3* db) {
  fts5_api* api = TRY(Fts5Api(db));
  if (api->xCreateTokenizer(api, kTokenizerName, nullptr, &g_tokenizer_api, nullptr) != SQLITE_OK) {
    return base::Internal(std::string("cannot register the FTS5 tokenizer: ") + sqlite3_errmsg(db));
  }
  return {};
}

Result<void> RegisterFts5StatsFunction(sqlite3* db) {
  fts5_api* api = TRY(Fts5Api(db));
  if (api->xCreateFunction(api, kStatsFunctionName, nullptr, Stats, nullptr) != SQLITE_OK) {
    return base::Internal(std::string("cannot register vitrina_stats: ") + sqlite3_errmsg(db));
  }
  return {};
}

}  // namespace vitrina::search
