#include "net/static_files.h"

#include <fmt/format.h>


namespace vitrina::net {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root, std::string extra_connect_src)
    : root_(std::move(root)),
      csp_("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'" +
           (extra_connect_src.empty() ? std::string() : " " + extra_connect_src) +
           "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'") {}

std::string_view StaticFiles::MimeType(std::string_view ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webm") return "video/webm";
  if (ext == ".wasm") return "application/wasm";
  return "application/octet-stream";
}

std::optional<Response> StaticFiles::ServeFile(const Request& req, const fs::path& file,
                                               bool immutable) const {
  auto opened = OpenFile::Open(file);
  if (!opened) return std::nullopt;
  const std::string etag = fmt::format("\"{:x}-{:x}\"", opened->size(),
                                       static_cast<unsigned long long>(opened->mtime_ns()));
  Response res;
  res.content_type = std::string(MimeType(file.extension().string()));
  res.SetHeader("ETag", etag);
  res.SetHeader("Cache-Control",
                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  if (file.extension() == ".html") {
    // The app shell: only our own scripts, styles, API, WebSocket (and the media server's
    // WebSocket); never framed.
    res.SetHeader("Content-Security-Policy", csp_);
    res.SetHeader("X-Frame-Options", "DENY");
    res.SetHeader("Referrer-Policy", "same-origin");
  }
  if (auto inm = req.Header("if-none-match"); inm && *inm == etag) {
    res.status = 304;
    return res;
  }
  const auto size = opened->size();
  res.SendFile(std::move(opened), 0, size);
  return res;
}

std::optional<Response> StaticFiles::Serve(const Request& req) const {
  if (req.method != Verb::get && req.method != Verb::head) return std::nullopt;
  if (req.path.starts_with("/api/")) return std::nullopt;
  // Reject anything that could step outside the root.
  fs::path rel = fs::path(req.path).relative_path().lexically_normal();
  if (!rel.empty() && (*rel.begin() == ".." || rel.is_absolute())) return std::nullopt;
  if (!rel.empty() && rel.filename() != "") {
    fs::path file = root_ / rel;
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) {
      const bool immutable = rel.begin() != rel.end() && *rel.begin() == "assets";
      if (auto res = ServeFile(req, file, immutable)) return res;
    }
  }
  // SPA fallback: app routes have no file extension; a missing asset is a real 404.
  if (rel.has_extension() && rel.extension() != ".html") return std::nullopt;
  auto index = ServeFile(req, root_ / "index.html", false);
  return index;
}

}  // namespace vitrina::net
