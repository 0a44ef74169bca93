#pragma once

#include <span>
#include <string_view>

namespace vitrina::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every schema migration, in version order. Never edit a released one: add a new one.
std::span<const Migration> Migrations();
// Migrations 9 and on (migrations_later.cc); Migrations() includes them.
std::span<const Migration> LaterMigrations();

}  // namespace vitrina::store::sqlite
