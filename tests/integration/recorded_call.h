#pragma once
// A call as the recording pipeline leaves it — ended, recording ready, one Ogg/Opus file per
// participant under <recordings>/<id>/processed — written straight to the store, so the
// transcription tests need no media server. The speech is flite's, encoded as Janus's
// recordings end up (48 kHz mono Opus).
#include <gtest/gtest.h>

#include <boost/algorithm/string.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "store/store.h"

namespace vitrina::testing {

// Runs a tool that must succeed (the test fails otherwise).
inline void MustRun(const std::vector<std::string>& argv) {
  auto out = base::RunProcess(argv, std::chrono::seconds(120));
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE(out->Succeeded()) << argv[0] << ": " << out->Describe() << "\n" << out->stderr_text;
}

struct SpokenTrack {
  std::string participant;  // buyer | seller
  std::string voice;        // flite voice: slt, rms
  std::string text;
  double lead_s = 0;          // silence before the first sentence
  int repeat = 1;             // sentences, each followed by gap_s of silence
  double gap_s = 1;
  std::int64_t offset_ms = 0;  // where the file starts on the call's timeline
};

// The parties of a recorded call straight in the store: a seller `<tag>-s@…`, a buyer
// `<tag>-b@…` and the seller's listing. {seller, buyer, listing} ids.
struct CallParties {
  store::Id seller = 0, buyer = 0, listing = 0;
};
inline CallParties InsertCallParties(store::Store& store, const std::string& tag, base::TimeMs now) {
  auto ids = store.Write([&](store::Tx& tx) -> base::Result<CallParties> {
    auto seller = TRY(tx.users().Insert({tag + "-s@k.test", "S", "h", {"user"}, "UTC"}, now));
    auto buyer = TRY(tx.users().Insert({tag + "-b@k.test", "B", "h", {"user"}, "UTC"}, now));
    store::Listing l;
    l.seller_id = seller.id;
    l.title = "Phone";
    l.description = "d";
    l.vertical = "goods";
    l.call_hours_json = R"({"timezone":"UTC","weekly":[]})";
    auto listing = TRY(tx.listings().Insert(l));
    return CallParties{seller.id, buyer.id, listing.id};
  });
  EXPECT_TRUE(ids) << ids.error().message;
  return ids ? *ids : CallParties{};
}

// Inserts the ended call of `buyer_id` and `seller_id` on `listing_id` with one audio file per
// track (made with flite and ffmpeg) and returns its id.
inline store::Id InsertRecordedCall(store::Store& store, const std::filesystem::path& recordings_dir,
                                    store::Id listing_id, store::Id buyer_id, store::Id seller_id,
                                    const std::vector<SpokenTrack>& tracks, base::TimeMs now) {
  namespace fs = std::filesystem;
  auto conversation = store.Write([&](store::Tx& tx) {
    return tx.chat().FindOrCreateConversation(listing_id, buyer_id, seller_id, now);
  });
  EXPECT_TRUE(conversation) << conversation.error().message;
  store::Call c;
  c.conversation_id = conversation->first.id;
  c.listing_id = listing_id;
  c.buyer_id = buyer_id;
  c.seller_id = seller_id;
  c.proposed_by = buyer_id;
  c.state = "ended";
  c.created_at = now - 120'000;
  c.join_opens_at = c.created_at;
  c.join_closes_at = c.created_at + 600'000;
  c.started_at = now - 100'000;
  c.ended_at = now - 10'000;
  c.end_reason = "hangup";
  c.recording_status = "ready";
  c.updated_at = now;
  auto call = store.Write([&](store::Tx& tx) { return tx.calls().Insert(c); });
  EXPECT_TRUE(call) << call.error().message;
  const auto rel = fs::path(std::to_string(call->id)) / "processed";
  const auto dir = recordings_dir / rel;
  fs::create_directories(dir);
  std::vector<store::RecordingFile> files;
  for (const auto& t : tracks) {
    const auto wav = dir / (t.participant + ".wav");
    const auto padded = dir / (t.participant + "-padded.wav");
    const auto opus = dir / (t.participant + ".opus");
    MustRun({"flite", "-voice", t.voice, "-t", t.text, "-o", wav.string()});
    MustRun({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", wav.string(), "-af",
             "apad=pad_dur=" + std::to_string(t.gap_s), padded.string()});
    MustRun({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", std::to_string(t.repeat - 1),
             "-i", padded.string(), "-af",
             "adelay=" + std::to_string(static_cast<int>(t.lead_s * 1000)) + ":all=1", "-ar", "48000", "-ac",
             "1", "-c:a", "libopus", opus.string()});
    fs::remove(wav);
    fs::remove(padded);
    store::RecordingFile f;
    f.call_id = call->id;
    f.participant = t.participant;
    f.kind = "audio";
    f.path = (rel / opus.filename()).string();
    f.bytes = static_cast<std::int64_t>(fs::file_size(opus));
    f.duration_ms = 5'000 * t.repeat;  // what the job uses it for: progress
    f.offset_ms = t.offset_ms;
    f.sha256 = "x";
    f.created_at = now;
    files.push_back(f);
  }
  EXPECT_TRUE(store.Write([&](store::Tx& tx) { return tx.calls().ReplaceFiles(call->id, files); }));
  return call->id;
}

// Gives `call_id` a 1000-byte combined file (recorded hash "c0ffee") under
// <recordings>/<id>/processed and a current transcript of one seller segment at 1-2 s saying
// `text`, with the call's transcript status ready: enough for the recording and transcript
// endpoints, their access rules and their audit entries.
inline void AttachCombinedFileAndTranscript(store::Store& store, const std::filesystem::path& recordings_dir,
                                            store::Id call_id, const std::string& text, base::TimeMs now) {
  namespace fs = std::filesystem;
  const auto rel = fs::path(std::to_string(call_id)) / "processed" / "combined.webm";
  fs::create_directories((recordings_dir / rel).parent_path());
  std::ofstream(recordings_dir / rel, std::ios::binary) << std::string(1000, 'x');
  auto stored = store.Write([&](store::Tx& tx) -> base::Result<void> {
    store::RecordingFile f;
    f.call_id = call_id;
    f.participant = "combined";
    f.kind = "combined";
    f.path = rel.string();
    f.bytes = 1000;
    f.sha256 = "c0ffee";
    f.created_at = now;
    TRY(tx.calls().ReplaceFiles(call_id, {f}));
    store::NewTranscript t;
    t.engine = "test";
    t.model = "m";
    t.language = "en";
    store::TranscriptSegment s;
    s.speaker = "seller";
    s.start_ms = 1000;
    s.end_ms = 2000;
    s.text = text;
    t.segments.push_back(s);
    TRY(tx.transcripts().Insert(call_id, t, now));
    auto c = TRY(tx.calls().FindById(call_id));
    c->transcript_status = "ready";
    return tx.calls().Update(*c);
  });
  EXPECT_TRUE(stored) << stored.error().message;
}

// One line of a made-up transcript: who said `text` (words separated by single spaces), from when.
struct Line {
  std::string speaker;  // buyer | seller
  std::int64_t start_ms;
  std::string text;
};

// A transcript of `lines` as a recogniser would store it: words 400 ms apart (350 ms long), each
// segment at -25 dBFS.
inline store::NewTranscript SpokenTranscript(const std::vector<Line>& lines, const std::string& language) {
  store::NewTranscript t;
  t.engine = "test";
  t.model = "m";
  t.language = language;
  for (const auto& l : lines) {
    store::TranscriptSegment s;
    s.speaker = l.speaker;
    s.start_ms = l.start_ms;
    s.text = l.text;
    std::vector<std::string> words;
    boost::split(words, l.text, boost::is_any_of(" "));
    std::int64_t at = l.start_ms;
    for (const auto& w : words) {
      s.words.push_back({w, at, at + 350, 0.9});
      at += 400;
    }
    s.end_ms = at - 50;
    s.loudness_dbfs = -25;
    t.segments.push_back(std::move(s));
  }
  return t;
}

}  // namespace vitrina::testing
