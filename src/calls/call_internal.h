#pragma once
// Helpers shared by CallService's files (the lifecycle in call_service.cc, media presence in
// call_media.cc, recordings and transcription jobs in call_recording.cc). Internal to calls.

#include <string>

#include "base/result.h"
#include "store/store.h"

namespace vitrina::calls::detail {

inline bool IsOpen(const std::string& state) {
  return state == "proposed" || state == "accepted" || state == "active";
}

inline base::Result<store::Call> LoadCall(store::Tx& tx, store::Id id) {
  auto call = TRY(tx.calls().FindById(id));
  if (!call) return base::NotFound("call_not_found", "No such call");
  return *call;
}

}  // namespace vitrina::calls::detail
