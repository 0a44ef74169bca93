#pragma once
// The speech recognizer the configuration asks for (asr.languages): pocketsphinx for some
// languages, an OpenAI-compatible HTTP server for others, behind one SpeechRecognizer.

#include <memory>

#include "app/config.h"
#include "asr/speech_recognizer.h"
#include "asr/streaming_recognizer.h"
#include "base/result.h"

namespace vitrina::app {

// Errors: kInvalidArgument "asr_config" naming the bad entry; a backend's own errors (e.g. a
// missing model) when `config.asr_preload`. Without preload the backends are built at the
// first recognition, and an error then fails that job (and shows in its last_error).
base::Result<std::unique_ptr<asr::SpeechRecognizer>> MakeRecognizer(const Config& config);

// The streaming recogniser of the live path (docs/live.md): pocketsphinx for the languages
// asr.languages gives to pocketsphinx, at most live.max_sessions decoders; nullptr when no
// language uses pocketsphinx (HTTP recognisers have no live path yet). Errors as above.
base::Result<std::unique_ptr<asr::StreamingRecognizer>> MakeStreamingRecognizer(const Config& config);

}  // namespace vitrina::app
