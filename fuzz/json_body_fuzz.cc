// libFuzzer target: request bodies through the API's JSON reading and the listing input
// rules (call hours included), as a handler would see them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_io.h"
#include "listings/call_hours.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = vitrina::api::ParseObject(body);
  if (!object) return 0;
  (void)vitrina::api::OptString(*object, "title");
  (void)vitrina::api::OptInt(*object, "price");
  (void)vitrina::api::OptBool(*object, "video_call_ready");
  (void)vitrina::api::StringArray(*object, "roles");
  if (const auto* hours = object->if_contains("call_hours")) {
    if (auto parsed = vitrina::listings::ParseCallHours(*hours, "UTC")) {
      (void)vitrina::listings::IsWithinCallHours(*parsed, 1795000000000);
      auto again = vitrina::listings::ParseCallHours(vitrina::listings::CallHoursToJson(*parsed));
      if (!again) __builtin_trap();  // what we write must read back
    }
  }
  return 0;
}
