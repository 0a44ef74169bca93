#include "app/demo_call.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "base/subprocess.h"
#include "calls/call_service.h"
#include "media/recording_processor.h"

namespace vitrina::app {

namespace fs = std::filesystem;

namespace {

// The conversation, turn by turn. The seller's last line is what the complaint story of the
// moderation workspace is about.
struct Turn {
  const char* who;
  const char* text;
};
constexpr Turn kTurns[] = {
    {"buyer", "hello is the bicycle still for sale"},
    {"seller", "yes it is and I can show it to you now"},
    {"buyer", "can you turn the camera to the back wheel please"},
    {"seller", "here is the back wheel the tires are new"},
    {"buyer", "great can I pay when I pick it up"},
    {"seller", "please send a prepayment to my card first"},
    {"seller", "or write to me on whatsapp my number is two zero two five five five zero one four seven"},
};
constexpr int kRate = 16'000;
constexpr double kGapS = 0.8;

base::Result<void> Run(const std::vector<std::string>& argv) {
  auto out = TRY(base::RunProcess(argv, std::chrono::seconds(120)));
  if (!out.Succeeded()) {
    return base::Internal(argv[0] + " failed (" + out.Describe() + "): " + out.stderr_text);
  }
  return {};
}

// flite's 16-bit mono WAV at `path` → its samples (resampled to 16 kHz by ffmpeg first).
base::Result<std::vector<std::int16_t>> Speak(const std::string& voice, const std::string& text,
                                              const fs::path& dir, const std::string& ffmpeg) {
  const auto raw = dir / "utterance.wav";
  const auto pcm = dir / "utterance.s16";
  TRY(Run({"flite", "-voice", voice, "-t", text, "-o", raw.string()}));
  TRY(Run({ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", raw.string(), "-ac", "1", "-ar",
           std::to_string(kRate), "-f", "s16le", pcm.string()}));
  std::ifstream in(pcm, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::int16_t> samples(bytes.size() / 2);
  std::memcpy(samples.data(), bytes.data(), samples.size() * 2);
  fs::remove(raw);
  fs::remove(pcm);
  return samples;
}

}  // namespace

base::Result<std::optional<store::Id>> SeedDemoCall(store::Store& store, const base::Clock& clock,
                                                    media::RecordingStorage& recordings, const std::string& ffmpeg) {
  const auto now = clock.NowMs();
  // The demo users and the bicycle; an existing call of theirs means this ran before.
  struct Demo {
    store::User buyer, seller;
    store::Listing listing;
  };
  auto demo = TRY(store.Read([&](store::Tx& tx) -> base::Result<std::optional<Demo>> {
    auto buyer = TRY(tx.users().FindByEmail("buyer@demo.test"));
    auto seller = TRY(tx.users().FindByEmail("seller@demo.test"));
    if (!buyer || !seller) return std::nullopt;
    store::ListingFilter f;
    f.seller_id = seller->id;
    f.limit = 50;
    for (auto& l : TRY(tx.listings().List(f))) {
      if (l.vertical != "goods") continue;
      store::CallFilter calls;
      calls.user_id = buyer->id;
      calls.limit = 1;
      if (!TRY(tx.calls().List(calls)).empty()) return std::nullopt;
      return Demo{*buyer, *seller, l};
    }
    return std::nullopt;
  }));
  if (!demo) return std::nullopt;

  // Two tracks on one timeline: each side's lines where they fall, silence elsewhere.
  const fs::path tmp = fs::temp_directory_path() / ("vitrina-demo-seed-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::vector<std::int16_t> buyer, seller;
  std::size_t at = static_cast<std::size_t>(kRate);  // a second before the first line
  for (const auto& turn : kTurns) {
    const bool is_buyer = std::strcmp(turn.who, "buyer") == 0;
    auto speech = TRY(Speak(is_buyer ? "slt" : "rms", turn.text, tmp, ffmpeg));
    auto& track = is_buyer ? buyer : seller;
    track.resize(at, 0);
    track.insert(track.end(), speech.begin(), speech.end());
    at += speech.size() + static_cast<std::size_t>(kGapS * kRate);
  }
  buyer.resize(at, 0);
  seller.resize(at, 0);
  const std::int64_t duration_ms = static_cast<std::int64_t>(at) * 1000 / kRate;

  const auto started = now - 86'400'000;  // yesterday
  store::Call c;
  c.listing_id = demo->listing.id;
  c.buyer_id = demo->buyer.id;
  c.seller_id = demo->seller.id;
  c.proposed_by = demo->buyer.id;
  c.state = "ended";
  c.created_at = started - 600'000;
  c.join_opens_at = c.created_at;
  c.join_closes_at = started + 600'000;
  c.accepted_at = c.created_at;
  c.started_at = started;
  c.ended_at = started + duration_ms;
  c.end_reason = "hangup";
  c.ended_by = demo->buyer.id;
  c.buyer.consent_at = c.buyer.joined_at = started;
  c.seller.consent_at = c.seller.joined_at = started;
  c.buyer.left_at = c.seller.left_at = c.ended_at;
  c.recording_status = "ready";
  c.recording_duration_ms = duration_ms;
  c.updated_at = now;
  auto call = TRY(store.Write([&](store::Tx& tx) -> base::Result<store::Call> {
    auto conversation = TRY(tx.chat().FindOrCreateConversation(demo->listing.id, demo->buyer.id,
                                                                demo->seller.id, c.created_at));
    c.conversation_id = conversation.first.id;
    return tx.calls().Insert(c);
  }));

  const auto dir = recordings.StagingDir(call.id);
  fs::create_directories(dir);
  std::vector<store::RecordingFile> files;
  for (const auto& [who, samples] : {std::pair<std::string, const std::vector<std::int16_t>*>{"buyer", &buyer},
                                     {"seller", &seller}}) {
    const auto pcm = tmp / (who + ".s16");
    std::ofstream(pcm, std::ios::binary)
        .write(reinterpret_cast<const char*>(samples->data()), static_cast<std::streamsize>(samples->size() * 2));
    TRY(Run({ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "s16le", "-ar", std::to_string(kRate), "-ac",
             "1", "-i", pcm.string(), "-ar", "48000", "-c:a", "libopus", (dir / (who + ".opus")).string()}));
  }
  // Something to play: a plain picture with both voices (a real call has both cameras).
  TRY(Run({ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
           "color=c=0x2b3a4a:s=640x360:r=10", "-i", (dir / "buyer.opus").string(), "-i",
           (dir / "seller.opus").string(), "-filter_complex", "[1:a][2:a]amix=inputs=2:normalize=0[a]", "-map",
           "0:v", "-map", "[a]", "-shortest", "-c:v", "libvpx", "-b:v", "80k", "-deadline", "realtime",
           "-cpu-used", "8", "-c:a", "libopus", (dir / "combined.webm").string()}));
  fs::remove_all(tmp);
  for (const auto& [who, name, kind] :
       {std::tuple<const char*, const char*, const char*>{"buyer", "buyer.opus", "audio"},
        {"seller", "seller.opus", "audio"},
        {"combined", "combined.webm", "combined"}}) {
    store::RecordingFile f;
    f.call_id = call.id;
    f.participant = who;
    f.kind = kind;
    f.path = TRY(recordings.Commit(call.id, dir / name));
    f.bytes = static_cast<std::int64_t>(fs::file_size(dir / name));
    f.duration_ms = duration_ms;
    f.sha256 = TRY(media::FileSha256Hex(dir / name));
    f.created_at = now;
    files.push_back(std::move(f));
  }
  TRY(store.Write([&](store::Tx& tx) -> base::Result<void> {
    TRY(tx.calls().ReplaceFiles(call.id, files));
    TRY(calls::EnqueueTranscriptionInTx(tx, call, std::nullopt, now));
    return tx.calls().Update(call);
  }));
  return call.id;
}

}  // namespace vitrina::app
