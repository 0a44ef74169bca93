// libFuzzer target: request-target, query and cookie parsing (untrusted network input).
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string path;
  std::multimap<std::string, std::string> query;
  if (vitrina::net::ParseTarget(input, path, query)) {
    if (path.find('\0') != std::string::npos) __builtin_trap();  // rejected by contract
  }
  vitrina::net::Request req;
  req.headers.emplace_back("cookie", input);
  (void)req.Cookie("vitrina_session");
  (void)vitrina::net::PercentDecode(input, true);
  return 0;
}
