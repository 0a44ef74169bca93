#pragma once
// Transcripts of recorded calls (docs/transcripts.md) and full-text search over them
// (docs/search.md): the `transcript.transcribe` job that turns each participant's processed
// audio into timed, speaker-labelled segments on the call's timeline; reading a transcript
// (JSON or WebVTT) with the call's access rule; and search with the viewer's access rule.
// Thread-safe: called from request workers and job workers at once.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "asr/speech_recognizer.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "calls/call_service.h"
#include "jobs/worker_pool.h"
#include "store/store.h"

namespace vitrina::transcripts {

using base::Result;

// Queued in the transaction that stores each transcript version (payload {call_id,
// version}); run by the speech-analytics service (docs/analytics.md).
inline constexpr char kAnalyzeJob[] = "analytics.analyze";

struct TranscriptOptions {
  std::string default_language = "en";     // when the job names none
  std::shared_ptr<const media::RecordingStorage> recordings;  // where RecordingFile paths point
  // Recognise the buyer's and the seller's tracks at the same time (two recognizer calls).
  bool parallel_tracks = true;
  // Candidate hits ranked per search tier (see docs/search.md); 0: the store's default.
  int search_page_max = 50;
};

struct SearchParams {
  std::string q;
  std::optional<std::string> speaker;  // buyer | seller
  std::optional<store::Id> user_id;
  std::optional<store::Id> listing_id;
  std::optional<std::string> vertical;
  std::optional<base::TimeMs> from;
  std::optional<base::TimeMs> to;
  std::optional<store::Id> call_id;
  std::optional<std::string> cursor;  // opaque, from a previous page
  int limit = 20;
};

struct SearchItem {
  store::SearchHit hit;
  std::string snippet;  // HTML-escaped, matches in <mark>
  store::Id listing_id = 0;
  std::string listing_title;
};

struct SearchResults {
  std::vector<SearchItem> items;
  std::optional<std::string> next_cursor;
};

class TranscriptService {
 public:
  // `listener` is told when a call's transcript status changes (may be null).
  TranscriptService(store::Store& store, const base::Clock& clock, base::Metrics& metrics,
                    asr::SpeechRecognizer& recognizer, calls::CallService& calls,
                    calls::CallListener* listener, TranscriptOptions options);

  // The transcript.transcribe job handler. Idempotent: a run whose transcript was already
  // stored (the worker died before completing the job) stores nothing new.
  Result<void> Transcribe(const store::Job& job, jobs::JobContext& ctx);
  // The job is given up (its worker died on every attempt): the call's transcript is `failed`.
  void TranscriptionGivenUp(const store::Job& job, const std::string& reason);

  // The call's current transcript (or `version`), for its participants and moderators.
  // NotFound "transcript_not_found" while there is none.
  Result<store::Transcript> Get(const store::User& viewer, store::Id call_id,
                                std::optional<std::int64_t> version = std::nullopt);
  // The same as WebVTT captions.
  Result<std::string> Captions(const store::User& viewer, store::Id call_id);

  // Moderators search every call, others only their own. InvalidArgument "bad_query",
  // "invalid_cursor", "invalid_filter".
  Result<SearchResults> Search(const store::User& viewer, const SearchParams& params);

 private:
  // The job's work; `failed_speaker` names the track that failed, if one did.
  Result<void> Run(const store::Job& job, jobs::JobContext& ctx, store::Id call_id,
                   const std::string& language, std::string& failed_speaker);
  void Notify(const store::Call& call);
  Result<store::Call> SetStatus(store::Id call_id, const std::string& status,
                                std::optional<std::string> error,
                                std::optional<std::int64_t> progress);

  store::Store& store_;
  const base::Clock& clock_;
  base::Metrics& metrics_;
  asr::SpeechRecognizer& recognizer_;
  calls::CallService& calls_;
  calls::CallListener* listener_;
  const TranscriptOptions options_;
};

}  // namespace vitrina::transcripts
