#include "transcripts/transcript_service.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include <boost/json.hpp>

#include "accounts/roles.h"
#include "asr/transcriber.h"
#include "base/log.h"
#include "search/highlight.h"
#include "search/query.h"
#include "transcripts/webvtt.h"

namespace vitrina::transcripts {

namespace json = boost::json;

namespace {

bool IsModerator(const store::User& user) {
  return accounts::HasRole(user, accounts::Role::kModerator);
}

struct Track {
  std::string speaker;
  std::filesystem::path path;
  std::int64_t offset_ms = 0;
  std::int64_t duration_ms = 0;
};

}  // namespace

TranscriptService::TranscriptService(store::Store& store, const base::Clock& clock,
                                     base::Metrics& metrics, asr::SpeechRecognizer& recognizer,
                                     calls::CallService& calls, calls::CallListener* listener,
                                     TranscriptOptions options)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      recognizer_(recognizer),
      calls_(calls),
      listener_(listener),
      options_(std::move(options)) {
  metrics_.Describe("vitrina_asr_audio_seconds_total", "counter",
                    "Seconds of participant audio transcribed, by language");
  metrics_.Describe("vitrina_asr_speech_seconds_total", "counter",
                    "Seconds of that audio the voice-activity detector sent to the recognizer");
  metrics_.Describe("vitrina_transcripts_total", "counter", "Transcription runs by outcome");
  metrics_.Describe("vitrina_search_seconds", "histogram", "Transcript search latency");
}

void TranscriptService::Notify(const store::Call& call) {
  if (listener_) listener_->OnCall(call);
}

Result<store::Call> TranscriptService::SetStatus(store::Id call_id, const std::string& status,
                                                 std::optional<std::string> error,
                                                 std::optional<std::int64_t> progress) {
  auto call = TRY(store_.Write([&](store::Tx& tx) -> Result<store::Call> {
    auto c = TRY(tx.calls().FindById(call_id));
    if (!c) return base::NotFound("call_not_found", "No such call");
    c->transcript_status = status;
    c->transcript_error = std::move(error);
    c->transcript_progress = progress;
    c->updated_at = clock_.NowMs();
    TRY(tx.calls().Update(*c));
    return *c;
  }));
  Notify(call);
  return call;
}

Result<void> TranscriptService::Transcribe(const store::Job& job, jobs::JobContext& ctx) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  if (ec || !payload.is_object() || !payload.as_object().contains("call_id") ||
      !payload.as_object().at("call_id").is_int64()) {
    return base::InvalidArgument("bad_payload", "transcript.transcribe payload: " + job.payload);
  }
  const store::Id call_id = payload.as_object().at("call_id").as_int64();
  std::string language = options_.default_language;
  if (const auto* l = payload.as_object().if_contains("language"); l && l->is_string()) {
    language = std::string(l->as_string());
  }
  std::string failed_speaker;
  auto done = Run(job, ctx, call_id, language, failed_speaker);
  if (!done) {
    // Whatever went wrong, the call says so: pending while the job will be retried, failed
    // after its last attempt. Participants see what failed, not paths or backend replies
    // (those are in the job's last_error, for operators).
    const bool last = job.attempts >= job.max_attempts;
    metrics_.Add("vitrina_transcripts_total", {{"outcome", last ? "failed" : "retry"}});
    const std::string what = failed_speaker.empty() ? "The call could not be transcribed"
                                                    : "The " + failed_speaker + "'s audio could not be transcribed";
    (void)SetStatus(call_id, last ? "failed" : "pending", what + " (" + done.error().code + ")", std::nullopt);
  }
  return done;
}

void TranscriptService::TranscriptionGivenUp(const store::Job& job, const std::string& reason) {
  boost::system::error_code ec;
  const auto payload = json::parse(job.payload, ec);
  const auto* id = ec || !payload.is_object() ? nullptr : payload.as_object().if_contains("call_id");
  if (!id || !id->is_number()) return;
  // A transcript stored by an attempt whose worker died before completing the job stands.
  auto call = store_.Read([&](store::Tx& tx) { return tx.calls().FindById(id->to_number<store::Id>()); });
  if (call && *call && (**call).transcript_status == "ready") return;
  metrics_.Add("vitrina_transcripts_total", {{"outcome", "failed"}});
  base::log::Warn("transcription_given_up", {{"call_id", id->to_number<store::Id>()}, {"reason", reason}});
  (void)SetStatus(id->to_number<store::Id>(), "failed", "The call could not be transcribed (worker_stopped)",
                  std::nullopt);
}

Result<void> TranscriptService::Run(const store::Job& job, jobs::JobContext& ctx, store::Id call_id,
                                    const std::string& language, std::string& failed_speaker) {
  struct Loaded {
    store::Call call;
    std::vector<store::RecordingFile> files;
    std::optional<store::Transcript> current;
  };
  auto loaded = TRY(store_.Read([&](store::Tx& tx) -> Result<Loaded> {
    auto c = TRY(tx.calls().FindById(call_id));
    if (!c) return base::NotFound("call_not_found", "No such call: " + std::to_string(call_id));
    auto versions = TRY(tx.transcripts().Versions(call_id));
    std::optional<store::Transcript> current;
    for (auto& v : versions) {
      if (v.current) current = std::move(v);
    }
    return Loaded{*c, TRY(tx.calls().Files(call_id)), std::move(current)};
  }));

  // A retried job may find its own work: an earlier attempt stored the transcript and died
  // before the job was marked done. Only one transcribe job per call is live at a time (its
  // dedupe key), so a version stored after this job was enqueued is that work: keep it rather
  // than storing the same transcript twice. (A first attempt never skips.)
  if (job.attempts > 1 && loaded.current && loaded.current->created_at >= job.created_at) {
    if (loaded.call.transcript_status != "ready") TRY(SetStatus(call_id, "ready", std::nullopt, std::nullopt));
    base::log::Info("transcript_already_stored", {{"call_id", call_id}, {"version", loaded.current->version}});
    return {};
  }
  if (loaded.call.recording_status != "ready") {
    return base::Conflict("recording_not_ready", "The call's recording is " + loaded.call.recording_status +
                                                     ", not ready to transcribe");
  }

  std::vector<Track> tracks;
  for (const auto& f : loaded.files) {
    if (f.kind != "audio" || (f.participant != "buyer" && f.participant != "seller")) continue;
    tracks.push_back({f.participant, TRY(options_.recordings->LocalPath(f.path)), f.offset_ms, f.duration_ms});
  }
  if (tracks.empty()) {
    return base::InvalidArgument("no_audio", "The call's recording has no participant audio file");
  }

  std::int64_t total_ms = 0;
  for (const auto& t : tracks) total_ms += std::max<std::int64_t>(t.duration_ms, 1);
  TRY(SetStatus(call_id, "processing", std::nullopt, 0));

  // Progress from both tracks (possibly two threads): the job's progress text on every
  // region, the call's percentage in steps of 10 (each is a write and a push).
  std::mutex progress_mu;
  std::vector<std::int64_t> done(tracks.size(), 0);
  std::int64_t reported_percent = 0;
  auto on_progress = [&](std::size_t index, std::int64_t done_ms) -> bool {
    std::int64_t percent = 0;
    {
      std::lock_guard lock(progress_mu);
      done[index] = done_ms;
      std::int64_t sum = 0;
      for (auto d : done) sum += d;
      percent = std::clamp<std::int64_t>(sum * 100 / total_ms, 0, 99);
      ctx.Progress("transcribing " + std::to_string(sum / 1000) + "/" + std::to_string(total_ms / 1000) + " s");
      if (percent < reported_percent + 10) return !ctx.Stopping();
      reported_percent = percent;
    }
    (void)SetStatus(call_id, "processing", std::nullopt, percent);
    return !ctx.Stopping();
  };

  auto run_track = [&](std::size_t index) {
    asr::TranscribeOptions opts;
    opts.progress = [&, index](std::int64_t done_ms, std::int64_t) { return on_progress(index, done_ms); };
    return asr::TranscribeOpusFile(recognizer_, tracks[index].path, tracks[index].offset_ms, language, opts);
  };
  std::vector<Result<asr::Transcription>> results;
  if (options_.parallel_tracks && tracks.size() > 1) {
    std::vector<std::future<Result<asr::Transcription>>> futures;
    for (std::size_t i = 1; i < tracks.size(); ++i) {
      futures.push_back(std::async(std::launch::async, run_track, i));
    }
    results.push_back(run_track(0));
    for (auto& f : futures) results.push_back(f.get());
  } else {
    for (std::size_t i = 0; i < tracks.size(); ++i) results.push_back(run_track(i));
  }

  store::NewTranscript transcript;
  transcript.language = language;
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (!results[i]) {
      auto error = results[i].error();
      if (error.code != "asr_cancelled") failed_speaker = tracks[i].speaker;  // (stopping: retried)
      error.message = tracks[i].speaker + " audio " + tracks[i].path.string() + ": " + error.message;
      return tl::unexpected(std::move(error));
    }
    const auto& r = *results[i];
    metrics_.Add("vitrina_asr_audio_seconds_total", {{"language", language}}, r.audio_ms / 1000.0);
    metrics_.Add("vitrina_asr_speech_seconds_total", {{"language", language}}, r.speech_ms / 1000.0);
    if (transcript.engine.empty() || !r.recognition.segments.empty()) {
      transcript.engine = r.recognition.engine;
      transcript.model = r.recognition.model;
    }
    for (const auto& seg : r.recognition.segments) {
      store::TranscriptSegment s;
      s.speaker = tracks[i].speaker;
      s.start_ms = seg.start_ms;
      s.end_ms = seg.end_ms;
      s.text = seg.text;
      s.confidence = seg.confidence;
      s.loudness_dbfs = seg.loudness_dbfs;
      for (const auto& w : seg.words) s.words.push_back({w.text, w.start_ms, w.end_ms, w.confidence});
      transcript.segments.push_back(std::move(s));
    }
  }
  std::stable_sort(transcript.segments.begin(), transcript.segments.end(),
                   [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });

  const auto now = clock_.NowMs();
  auto [call, stored] = TRY(store_.Write([&](store::Tx& tx) -> Result<std::pair<store::Call, store::Transcript>> {
    auto t = TRY(tx.transcripts().Insert(call_id, transcript, now));
    store::NewJob analyze;
    analyze.kind = kAnalyzeJob;
    analyze.payload = json::serialize(json::object{{"call_id", call_id}, {"version", t.version}});
    analyze.dedupe_key = "analyze:" + std::to_string(call_id) + ":" + std::to_string(t.version);
    analyze.run_after = now;
    TRY(tx.jobs().Insert(analyze, now));
    auto c = TRY(tx.calls().FindById(call_id));
    if (!c) return base::NotFound("call_not_found", "No such call");
    c->transcript_status = "ready";
    c->transcript_error.reset();
    c->transcript_progress.reset();
    c->updated_at = now;
    TRY(tx.calls().Update(*c));
    return std::make_pair(*c, std::move(t));
  }));
  metrics_.Add("vitrina_transcripts_total", {{"outcome", "ready"}});
  base::log::Info("transcript_ready", {{"call_id", call_id},
                                       {"version", stored.version},
                                       {"segments", static_cast<std::int64_t>(stored.segments.size())},
                                       {"engine", stored.engine},
                                       {"language", language}});
  Notify(call);
  return {};
}

Result<store::Transcript> TranscriptService::Get(const store::User& viewer, store::Id call_id,
                                                 std::optional<std::int64_t> version) {
  const auto call = TRY(calls_.Get(viewer, call_id));  // its two parties and moderators
  auto transcript = TRY(store_.Read([&](store::Tx& tx) -> Result<std::optional<store::Transcript>> {
    if (version) return tx.transcripts().Version(call_id, *version);
    return tx.transcripts().Current(call_id);
  }));
  if (!transcript) return base::NotFound("transcript_not_found", "This call has no transcript (yet)");
  if (IsModerator(viewer) && viewer.id != call.buyer_id && viewer.id != call.seller_id) {
    // A moderator reading someone's call is on the record (participants reading their own
    // call are not): no entry, no transcript.
    TRY(store_.Write([&](store::Tx& tx) {
      return tx.audit().Append({viewer.id, "transcript.accessed", "call", std::to_string(call_id),
                                json::serialize(json::object{{"version", transcript->version}}), "[]"},
                               clock_.NowMs());
    }));
  }
  return std::move(*transcript);
}

Result<std::string> TranscriptService::Captions(const store::User& viewer, store::Id call_id) {
  return ToWebVtt(TRY(Get(viewer, call_id)));
}

Result<SearchResults> TranscriptService::Search(const store::User& viewer, const SearchParams& params) {
  const auto started = std::chrono::steady_clock::now();
  auto query = TRY(search::ParseQuery(params.q));
  store::SearchQuery q;
  q.query = query.root();
  q.speaker = params.speaker;
  q.user_id = params.user_id;
  q.listing_id = params.listing_id;
  q.vertical = params.vertical;
  q.from = params.from;
  q.to = params.to;
  q.call_id = params.call_id;
  q.limit = std::clamp(params.limit, 1, options_.search_page_max);
  if (!IsModerator(viewer)) q.visible_to = viewer.id;
  q.after = params.cursor;
  if (IsModerator(viewer)) {
    // A moderator's search shows snippets of anyone's calls: on the record, like opening a
    // transcript, before anything is served (users searching their own calls are not).
    json::object details{{"q", params.q}};
    auto put = [&](const char* key, const auto& v) {
      if (v) details[key] = *v;
    };
    put("speaker", params.speaker);
    put("user_id", params.user_id);
    put("listing_id", params.listing_id);
    put("vertical", params.vertical);
    put("from", params.from);
    put("to", params.to);
    put("call_id", params.call_id);
    if (params.cursor) details["page"] = "next";
    TRY(store_.Write([&](store::Tx& tx) {
      return tx.audit().Append({viewer.id, "transcript.searched", "search",
                                params.call_id ? std::to_string(*params.call_id) : "",
                                json::serialize(details), "[]"},
                               clock_.NowMs());
    }));
  }

  SearchResults out;
  TRY(store_.Read([&](store::Tx& tx) -> Result<void> {
    auto page = TRY(tx.transcripts().Search(q));
    std::map<store::Id, std::pair<store::Id, std::string>> listing_of_call;  // call -> listing
    std::map<store::Id, std::string> titles;
    for (auto& hit : page.hits) {
      SearchItem item;
      auto it = listing_of_call.find(hit.call_id);
      if (it == listing_of_call.end()) {
        std::pair<store::Id, std::string> info{0, ""};
        if (auto call = TRY(tx.calls().FindById(hit.call_id))) {
          info.first = call->listing_id;
          auto t = titles.find(call->listing_id);
          if (t == titles.end()) {
            auto listing = TRY(tx.listings().FindById(call->listing_id));
            t = titles.emplace(call->listing_id, listing ? listing->title : "").first;
          }
          info.second = t->second;
        }
        it = listing_of_call.emplace(hit.call_id, std::move(info)).first;
      }
      item.listing_id = it->second.first;
      item.listing_title = it->second.second;
      item.snippet = search::Snippet(hit.text, query.terms());
      item.hit = std::move(hit);
      out.items.push_back(std::move(item));
    }
    out.next_cursor = page.next;
    return {};
  }));
  metrics_.Observe("vitrina_search_seconds", {},
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return out;
}

}  // namespace vitrina::transcripts
