#pragma once
// Live events between the processes that share one database (docs/postgres.md "Live
// events"): what one server or worker process publishes reaches the subscribers of every
// process on the database, itself included, in publishing order per publisher. Delivery is
// best effort and immediate (no history): a process that is down misses what was published
// meanwhile, as a browser that is offline does; pages catch up by reading the API.

#include <functional>
#include <string>

#include "base/result.h"

namespace vitrina::store {

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Sends `payload` (any size, UTF-8) to every subscriber on the database.
  virtual base::Result<void> Publish(const std::string& payload) = 0;
  // `fn` receives every payload published after this call, on the bus's own thread. Call once,
  // before publishing.
  virtual void Subscribe(std::function<void(const std::string& payload)> fn) = 0;
};

}  // namespace vitrina::store
