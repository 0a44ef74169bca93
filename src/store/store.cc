#include "store/store.h"

#include "base/random.h"
#include "store/sqlite/sqlite_store.h"

namespace vitrina::store {

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  if (options.driver == "sqlite") return sqlite::OpenSqliteStore(options);
  return base::InvalidArgument("unknown_store_driver",
                               "Unknown store driver '" + options.driver +
                                   "' (supported: sqlite)");
}

std::string AuditEntryHash(const AuditEntry& e) {
  std::string data;
  auto field = [&data](const std::string& v) {
    data += std::to_string(v.size());
    data += ':';
    data += v;
  };
  field(e.prev_hash);
  field(std::to_string(e.id));
  field(std::to_string(e.at));
  field(e.actor_id ? std::to_string(*e.actor_id) : "");
  field(e.action);
  field(e.object_type);
  field(e.object_id);
  field(e.details);
  field(e.evidence);
  return base::Sha256Hex(data);
}

Result<AuditVerification> VerifyAuditChain(Store& store) {
  AuditVerification out;
  std::string prev;
  Id last = 0;
  for (;;) {
    auto batch = TRY(store.Read([&](Tx& tx) { return tx.audit().Scan(last, 1000); }));
    if (batch.empty()) return out;
    for (const auto& e : batch) {
      ++out.entries;
      if (e.id != last + 1) {
        out.first_broken = last + 1;
        out.reason = "entry " + std::to_string(last + 1) + " is missing";
        return out;
      }
      if (e.prev_hash != prev) {
        out.first_broken = e.id;
        out.reason = "its prev_hash does not match the hash of the entry before";
        return out;
      }
      if (AuditEntryHash(e) != e.hash) {
        out.first_broken = e.id;
        out.reason = "its content does not match its hash (the entry was changed)";
        return out;
      }
      prev = e.hash;
      last = e.id;
    }
  }
}

}  // namespace vitrina::store
