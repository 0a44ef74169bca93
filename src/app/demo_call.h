#pragma once
// A recorded demo call for `vitrina demo-seed`: the demo buyer and seller talk about the
// bicycle (flite voices, one audio track each, a combined WebM to play), written as the
// recording pipeline leaves a call, with its transcription queued — so right after `make run`
// the real recognizer transcribes it and a moderator can search it and play it with captions.

#include <filesystem>
#include <optional>

#include "base/clock.h"
#include "base/result.h"
#include "media/recording_storage.h"
#include "store/store.h"

namespace vitrina::app {

// Creates the call once (nullopt when it exists already, or the demo users/listing are
// missing). Needs flite and ffmpeg (`make run` installs them). Returns the call id.
base::Result<std::optional<store::Id>> SeedDemoCall(store::Store& store, const base::Clock& clock,
                                                    media::RecordingStorage& recordings,
                                                    const std::string& ffmpeg);

}  // namespace vitrina::app
