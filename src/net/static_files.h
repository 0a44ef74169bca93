#pragma once
// Serves the built web UI from a directory: MIME types, cache headers (hashed assets are
// immutable, index.html is revalidated), ETag/304, and SPA fallback to index.html for
// unknown paths that look like app routes. Read-only after construction; any thread.

#include <filesystem>
#include <optional>
#include <string>

#include "net/http.h"

namespace vitrina::net {

class StaticFiles {
 public:
  // `extra_connect_src`: more CSP connect-src sources for the app shell, e.g. the media
  // server's WebSocket ("ws://*:8188").
  explicit StaticFiles(std::filesystem::path root, std::string extra_connect_src = {});

  // A response for `req` (GET/HEAD), or nullopt when this is not a static path.
  std::optional<Response> Serve(const Request& req) const;

  static std::string_view MimeType(std::string_view extension);

 private:
  std::optional<Response> ServeFile(const Request& req, const std::filesystem::path& file,
                                    bool immutable) const;

  std::filesystem::path root_;
  std::string csp_;
};

}  // namespace vitrina::net
