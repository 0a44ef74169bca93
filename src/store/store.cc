#include "store/store.h"

#include "base/random.h"

namespace vitrina::store {

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

std::span<const ExportColumn> ExportColumns(ExportKind kind) {
  using T = ExportType;
  static constexpr ExportColumn kCalls[] = {
      {"call_id", T::kInt},        {"started_at", T::kTime},          {"duration_ms", T::kInt},
      {"vertical", T::kText},      {"outcome", T::kText},             {"buyer", T::kUser},
      {"seller", T::kUser},        {"talk_ratio_seller", T::kReal},   {"tone_buyer", T::kText},
      {"tone_seller", T::kText},   {"flags", T::kList},               {"complaints", T::kInt},
  };
  static constexpr ExportColumn kUtterances[] = {
      {"call_id", T::kInt}, {"speaker", T::kText},  {"user", T::kUser},         {"start_ms", T::kInt},
      {"end_ms", T::kInt},  {"language", T::kText}, {"text", T::kPrivateText},
  };
  static constexpr ExportColumn kFlags[] = {
      {"call_id", T::kInt},  {"rule", T::kInt},          {"category", T::kText}, {"severity", T::kText},
      {"speaker", T::kText}, {"user", T::kUser},         {"start_ms", T::kInt},  {"end_ms", T::kInt},
      {"text", T::kPrivateText}, {"live", T::kInt},      {"review", T::kText},   {"created_at", T::kTime},
  };
  static constexpr ExportColumn kComplaints[] = {
      {"call_id", T::kInt},  {"vertical", T::kText},     {"category", T::kText}, {"status", T::kText},
      {"reporter", T::kUser}, {"accused", T::kUser},     {"text", T::kPrivateText}, {"created_at", T::kTime},
  };
  static constexpr ExportColumn kDecisions[] = {
      {"case", T::kInt},      {"vertical", T::kText},    {"case_kind", T::kText}, {"action", T::kText},
      {"days", T::kInt},      {"accused", T::kUser},     {"moderator", T::kUser}, {"reason", T::kPrivateText},
      {"created_at", T::kTime},
  };
  switch (kind) {
    case ExportKind::kCalls: return kCalls;
    case ExportKind::kUtterances: return kUtterances;
    case ExportKind::kFlags: return kFlags;
    case ExportKind::kComplaints: return kComplaints;
    case ExportKind::kDecisions: return kDecisions;
  }
  return {};
}

}  // namespace vitrina::store
