#pragma once

#include <string_view>

namespace vitrina::api {

// docs/api/openapi.yaml, embedded at build time.
std::string_view OpenApiDocument();

}  // namespace vitrina::api
