#pragma once
// Live events over PostgreSQL LISTEN/NOTIFY (store/events.h; docs/postgres.md "Live events"):
// a publishing connection and a listening one with its own thread, which reconnects with
// back-off when the database goes away. Payloads above NOTIFY's limit go as numbered chunks in
// one transaction and are put back together by every listener.

#include <memory>
#include <string>

#include "store/events.h"

namespace vitrina::store::postgres {

base::Result<std::unique_ptr<EventBus>> OpenPgEventBus(const std::string& url, const std::string& channel,
                                                       int connect_timeout_s);

}  // namespace vitrina::store::postgres
