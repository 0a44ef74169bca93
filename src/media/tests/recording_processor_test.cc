#include "support/temp_dir.h"
#include "media/recording_processor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/subprocess.h"

namespace vitrina::media {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kT0 = 1'795'506'000'000'000;  // µs wall clock; any value works

using vitrina::testing::TempDir;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& text, bool executable = false) {
  std::ofstream(p, std::ios::binary) << text;
  if (executable) ::chmod(p.c_str(), 0755);
}

// Runs a tool that must succeed; returns its stdout.
std::string MustRun(const std::vector<std::string>& argv) {
  auto out = base::RunProcess(argv, 60s);
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  if (!out) return {};
  EXPECT_TRUE(out->Succeeded()) << argv[0] << ": " << out->Describe() << ": " << out->stderr_text;
  return out->stdout_text;
}

void MakeVideo(const fs::path& path, const std::string& size, double seconds) {
  MustRun({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
           "testsrc=size=" + size + ":rate=20:duration=" + std::to_string(seconds), "-c:v",
           "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", path.string()});
}

void MakeAudio(const fs::path& path, int frequency, double seconds) {
  MustRun({"ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
           "sine=frequency=" + std::to_string(frequency) +
               ":sample_rate=48000:duration=" + std::to_string(seconds),
           "-c:a", "libopus", "-b:a", "32k", path.string()});
}

double ProbeSeconds(const fs::path& file) {
  std::string out = MustRun({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                             "default=noprint_wrappers=1:nokey=1", file.string()});
  return std::atof(out.c_str());
}

// The video decoded at 2 frames per second, shrunk to 128x48 grey: enough to tell a picture
// from black in each half, in one decoder run.
class GreyFrames {
 public:
  explicit GreyFrames(const fs::path& file)
      : raw_(MustRun({"ffmpeg", "-v", "error", "-i", file.string(), "-vf",
                      "fps=2,scale=128:48,format=gray", "-f", "rawvideo", "-"})) {}
  // Mean luma of the left and right half of the frame at `t` seconds (a multiple of 0.5).
  std::pair<double, double> Halves(double t) const {
    std::size_t index = static_cast<std::size_t>(std::lround(t * 2));
    EXPECT_LE((index + 1) * kSize, raw_.size()) << "no frame at " << t << " s";
    if ((index + 1) * kSize > raw_.size()) return {-1, -1};
    double left = 0, right = 0;
    for (int y = 0; y < kHeight; ++y) {
      for (int x = 0; x < kWidth; ++x) {
        double v = static_cast<unsigned char>(raw_[index * kSize + y * kWidth + x]);
        (x < kWidth / 2 ? left : right) += v;
      }
    }
    return {left / (kSize / 2.0), right / (kSize / 2.0)};
  }

 private:
  static constexpr int kWidth = 128;
  static constexpr int kHeight = 48;
  static constexpr std::size_t kSize = kWidth * kHeight;
  std::string raw_;
};

// The audio decoded to 8 kHz mono, in one decoder run.
class Pcm {
 public:
  explicit Pcm(const fs::path& file)
      : raw_(MustRun({"ffmpeg", "-v", "error", "-i", file.string(), "-f", "s16le", "-ac", "1",
                      "-ar", "8000", "-"})) {}
  // RMS between from and from+len seconds (16-bit scale).
  double Rms(double from, double len) const {
    const auto* s = reinterpret_cast<const std::int16_t*>(raw_.data());
    std::size_t total = raw_.size() / 2;
    std::size_t begin = static_cast<std::size_t>(from * 8000);
    std::size_t end = std::min(total, static_cast<std::size_t>((from + len) * 8000));
    EXPECT_LT(begin, end) << "no audio at " << from << " s";
    if (begin >= end) return -1;
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += static_cast<double>(s[i]) * s[i];
    return std::sqrt(sum / static_cast<double>(end - begin));
  }

 private:
  std::string raw_;
};

std::vector<std::string> PartialsIn(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.path().filename().string().starts_with(".partial.")) out.push_back(e.path().string());
  }
  return out;
}

const OutputFile* FindFile(const ProcessResult& r, std::string_view participant, FileKind kind) {
  for (const OutputFile& f : r.files) {
    if (f.participant == participant && f.kind == kind) return &f;
  }
  return nullptr;
}

const ParticipantTimeline* FindParticipant(const ProcessResult& r, std::string_view who) {
  for (const ParticipantTimeline& p : r.participants) {
    if (p.participant == who) return &p;
  }
  return nullptr;
}

// Every reported file exists under its final name with the reported size and hash.
void ExpectFilesIntact(const ProcessResult& r) {
  for (const OutputFile& f : r.files) {
    SCOPED_TRACE(f.path.string());
    ASSERT_TRUE(fs::exists(f.path));
    EXPECT_EQ(f.bytes, fs::file_size(f.path));
    EXPECT_EQ(f.sha256, base::Sha256Hex(ReadAll(f.path)));  // one-shot, independent of ours
    EXPECT_GT(f.duration_ms, 0);
  }
}

// Smaller pictures and fewer frames: the pipeline is the same, the tests faster.
RecordingProcessor::Options SmallOptions() {
  RecordingProcessor::Options options;
  options.tile_width = 320;
  options.tile_height = 240;
  options.fps = 10;
  return options;
}

// ---------------------------------------------------------------------------------------
// Names and headers

TEST(ParseRecordingNameTest, VideoRoomNames) {
  auto a = ParseRecordingName("videoroom-1234-user-4242424242-1795506396002595-audio-0.mjr");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->room, "1234");
  EXPECT_EQ(a->participant_id, 4242424242u);
  EXPECT_EQ(a->created_us, 1795506396002595);
  EXPECT_EQ(a->kind, TrackKind::kAudio);
  EXPECT_EQ(a->mindex, 0);

  auto v = ParseRecordingName("videoroom-1234-user-42-1795506396002595-video-1.mjr");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->kind, TrackKind::kVideo);
  EXPECT_EQ(v->mindex, 1);

  // Video first in the offer: the m-line index is whatever it was.
  auto v0 = ParseRecordingName("videoroom-9-user-1-2-video-0.mjr");
  ASSERT_TRUE(v0);
  EXPECT_EQ(v0->mindex, 0);

  auto d = ParseRecordingName("videoroom-9-user-1-2-data-2.mjr");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, TrackKind::kData);

  // String room ids may contain dashes, even "-user-".
  auto s = ParseRecordingName("videoroom-call-7-user-x-user-18446744073709551615-5-audio-0.mjr");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->room, "call-7-user-x");
  EXPECT_EQ(s->participant_id, 18446744073709551615u);
}

TEST(ParseRecordingNameTest, RejectsEverythingElse) {
  for (const char* bad : {
           "",
           ".mjr",
           "videoroom-1234-user-42-1795506396002595-audio-0",          // no extension
           "videoroom-1234-user-42-1795506396002595-audio-0.mjr.tmp",  // still being written
           "videoroom-1234-user-42-1795506396002595-audio-0.opus",
           "videoroom--user-42-1795506396002595-audio-0.mjr",         // empty room
           "videoroom-1234-user-abc-1795506396002595-audio-0.mjr",    // string participant
           "videoroom-1234-user-18446744073709551616-1-audio-0.mjr",  // id overflows
           "videoroom-1234-user--42-1795506396002595-audio-0.mjr",    // sign
           "videoroom-1234-user-+42-1795506396002595-audio-0.mjr",
           "videoroom-1234-user-42-1795506396002595-screen-0.mjr",     // unknown kind
           "videoroom-1234-user-42-1795506396002595-audio-.mjr",       // no index
           "videoroom-1234-user-42-99999999999999999999-audio-0.mjr",  // time overflows
           "videoroom-1234-42-1795506396002595-audio-0.mjr",           // no "user"
           "videocall-1234-user-42-1795506396002595-audio-0.mjr",
           "janus-recording-12345.mjr",
       }) {
    EXPECT_FALSE(ParseRecordingName(bad)) << bad;
  }
}

TEST(ParsePpRecHeaderTest, RealJanusOutput) {
  // Captured from `janus-pp-rec -j` (Janus 1.1.2) on recordings Janus wrote.
  auto audio = ParsePpRecHeader(
      "{\"t\": \"a\", \"c\": \"opus\", \"s\": 1795506396021657, \"u\": 1795506396475381}\n");
  ASSERT_TRUE(audio) << audio.error().message;
  EXPECT_EQ(audio->kind, TrackKind::kAudio);
  EXPECT_EQ(audio->codec, "opus");
  EXPECT_EQ(audio->created_us, 1795506396021657);
  EXPECT_EQ(audio->first_packet_us, 1795506396475381);
  EXPECT_EQ(audio->MediaStartUs(), 1795506396475381);
  EXPECT_FALSE(audio->encrypted);

  auto video = ParsePpRecHeader(
      "{\"t\": \"v\", \"c\": \"vp8\", \"s\": 1795506396021787, \"u\": 1795506396473572}");
  ASSERT_TRUE(video) << video.error().message;
  EXPECT_EQ(video->kind, TrackKind::kVideo);
  EXPECT_EQ(video->codec, "vp8");

  // Optional fields record.c may add: fmtp, description, extmaps, RED, end-to-end encryption.
  auto full = ParsePpRecHeader(
      R"({"t": "a", "c": "opus", "f": "minptime=10;useinbandfec=1", "d": "mic",)"
      R"( "x": {"1": "urn:ietf:params:rtp-hdrext:ssrc-audio-level"}, "s": 1, "u": 2,)"
      R"( "or": 63, "e": true})");
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_TRUE(full->encrypted);
  EXPECT_EQ(full->MediaStartUs(), 2);
}

TEST(ParsePpRecHeaderTest, RejectsMalformedHeaders) {
  for (const char* bad : {
           "", "MJR00002", "[1, 2]",
           R"({"t": "a", "c": "opus", "s": 1})",          // no first packet
           R"({"t": "a", "c": "opus", "u": 1})",          // no creation
           R"({"t": "x", "c": "opus", "s": 1, "u": 2})",  // unknown type
           R"({"c": "opus", "s": 1, "u": 2})", R"({"t": "a", "c": "", "s": 1, "u": 2})",
           R"({"t": "a", "c": "opus", "s": 1, "u": "2"})",  // string time
           R"({"t": "a", "c": "opus", "s": 1, "u": 2.5})",
           R"({"t": "a", "c": "opus", "s": 1, "u": -2})",
           R"({"t": "a", "c": "opus", "s": 1, "u": 18446744073709551615})",
           R"({"t": "a", "c": "opus", "s": 1, "u": 2)",  // truncated
       }) {
    auto r = ParsePpRecHeader(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "bad_mjr_header") << bad;
    EXPECT_EQ(r.error().kind, base::ErrorKind::kInvalidArgument);
  }
}

TEST(FileSha256Test, MatchesKnownDigestsAndStreamsLargeFiles) {
  TempDir dir;
  WriteFile(dir.path() / "abc", "abc");
  auto abc = FileSha256Hex(dir.path() / "abc");
  ASSERT_TRUE(abc) << abc.error().message;
  EXPECT_EQ(*abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  std::string big(3 * (1 << 20) + 17, 'x');  // more than one read buffer
  WriteFile(dir.path() / "big", big);
  auto digest = FileSha256Hex(dir.path() / "big");
  ASSERT_TRUE(digest) << digest.error().message;
  EXPECT_EQ(*digest, base::Sha256Hex(big));

  EXPECT_FALSE(FileSha256Hex(dir.path() / "missing"));
}

// ---------------------------------------------------------------------------------------
// Composition, fed ready segments

// Test media, each file generated on first use (ctest runs every test in its own process) and
// deleted at exit. Together a two-party call, 7 s long:
//   buyer (id 11)  0.0–3.0 s  b1: 640x480, 440 Hz
//   seller (id 22) 1.0–4.5 s  s1: 320x240 (scaled up), 880 Hz
//   buyer (id 12)  5.0–7.0 s  b2: the buyer rejoined with a new id
fs::path MediaFile(const std::string& name) {
  static TempDir dir;
  fs::path path = dir.path() / name;
  if (fs::exists(path)) return path;
  if (name == "b1.webm") MakeVideo(path, "640x480", 3);
  if (name == "b1.opus") MakeAudio(path, 440, 3);
  if (name == "s1.webm") MakeVideo(path, "320x240", 3.5);
  if (name == "s1.opus") MakeAudio(path, 880, 3.5);
  if (name == "b2.webm") MakeVideo(path, "640x480", 2);
  if (name == "b2.opus") MakeAudio(path, 440, 2);
  return path;
}

class ComposeTest : public ::testing::Test {
 protected:
  // With generate false the files are named but not made: for tests that fail before any
  // tool reads them.
  static std::vector<MediaSegment> Segments(bool generate = true) {
    auto file = [generate](const std::string& name) {
      return generate ? MediaFile(name) : fs::path("/nonexistent") / name;
    };
    return {
        {"buyer", 11, TrackKind::kVideo, file("b1.webm"), kT0},
        {"buyer", 11, TrackKind::kAudio, file("b1.opus"), kT0},
        {"seller", 22, TrackKind::kVideo, file("s1.webm"), kT0 + 1'000'000},
        {"seller", 22, TrackKind::kAudio, file("s1.opus"), kT0 + 1'000'000},
        {"buyer", 12, TrackKind::kVideo, file("b2.webm"), kT0 + 5'000'000},
        {"buyer", 12, TrackKind::kAudio, file("b2.opus"), kT0 + 5'000'000},
    };
  }
};

TEST_F(ComposeTest, PlacesEverySegmentOnOneTimeline) {
  TempDir out;
  // Leftovers of a run that crashed: a half-written temporary and an old final file.
  WriteFile(out.path() / ".partial.combined.webm", "half");
  WriteFile(out.path() / "combined.webm", "stale");

  RecordingProcessor processor;
  auto r = processor.Compose(Segments(), out.path());
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;

  EXPECT_EQ(r->timeline_start_us, kT0);
  EXPECT_NEAR(r->duration_ms, 7000, 500);
  EXPECT_NEAR(ProbeSeconds(out.path() / "combined.webm"), 7.0, 0.5);

  const ParticipantTimeline* buyer = FindParticipant(*r, "buyer");
  const ParticipantTimeline* seller = FindParticipant(*r, "seller");
  ASSERT_TRUE(buyer && seller);
  EXPECT_EQ(buyer->participant_ids, (std::vector<std::uint64_t>{11, 12}));
  EXPECT_EQ(buyer->offset_ms, 0);
  EXPECT_NEAR(buyer->duration_ms, 7000, 100);
  EXPECT_EQ(buyer->audio_segments, 2);
  EXPECT_EQ(buyer->video_segments, 2);
  EXPECT_EQ(seller->participant_ids, (std::vector<std::uint64_t>{22}));
  EXPECT_NEAR(seller->offset_ms, 1000, 20);
  EXPECT_NEAR(seller->duration_ms, 3500, 100);

  ASSERT_EQ(r->files.size(), 5u);
  const OutputFile* combined = FindFile(*r, "combined", FileKind::kCombined);
  const OutputFile* buyer_audio = FindFile(*r, "buyer", FileKind::kAudio);
  const OutputFile* buyer_muxed = FindFile(*r, "buyer", FileKind::kMuxed);
  const OutputFile* seller_audio = FindFile(*r, "seller", FileKind::kAudio);
  const OutputFile* seller_muxed = FindFile(*r, "seller", FileKind::kMuxed);
  ASSERT_TRUE(combined && buyer_audio && buyer_muxed && seller_audio && seller_muxed);
  EXPECT_EQ(combined->path, out.path() / "combined.webm");
  EXPECT_EQ(buyer_audio->path, out.path() / "buyer.opus");
  EXPECT_EQ(seller_muxed->path, out.path() / "seller.webm");
  EXPECT_NEAR(buyer_audio->duration_ms, 7000, 300);
  EXPECT_NEAR(buyer_muxed->duration_ms, 7000, 300);
  EXPECT_NEAR(seller_audio->duration_ms, 3500, 300);
  EXPECT_NEAR(seller_muxed->duration_ms, 3500, 300);
  EXPECT_EQ(combined->offset_ms, 0);
  EXPECT_EQ(buyer_muxed->offset_ms, 0);
  EXPECT_EQ(seller_audio->offset_ms, seller->offset_ms);
  EXPECT_EQ(seller_muxed->offset_ms, seller->offset_ms);
  ExpectFilesIntact(*r);
  EXPECT_TRUE(PartialsIn(out.path()).empty());

  // Pictures: buyer left, seller right, black where someone is absent.
  GreyFrames frames(combined->path);
  auto [l05, r05] = frames.Halves(0.5);  // buyer only
  EXPECT_GT(l05, 50);
  EXPECT_LT(r05, 25);
  auto [l20, r20] = frames.Halves(2.0);  // both
  EXPECT_GT(l20, 50);
  EXPECT_GT(r20, 50);
  auto [l40, r40] = frames.Halves(4.0);  // the buyer's gap
  EXPECT_LT(l40, 25);
  EXPECT_GT(r40, 50);
  auto [l60, r60] = frames.Halves(6.0);  // buyer back, seller gone
  EXPECT_GT(l60, 50);
  EXPECT_LT(r60, 25);

  // Sound: the mix is silent only when nobody is there (4.5–5.0 s); the buyer's own audio
  // keeps the gap between their segments as silence.
  Pcm mix(combined->path);
  EXPECT_GT(mix.Rms(0.2, 0.6), 1000);
  EXPECT_LT(mix.Rms(4.6, 0.3), 100);
  EXPECT_GT(mix.Rms(5.3, 0.5), 1000);
  Pcm buyer_pcm(buyer_audio->path);
  EXPECT_GT(buyer_pcm.Rms(1.0, 1.0), 1000);
  EXPECT_LT(buyer_pcm.Rms(3.3, 1.4), 100);
  EXPECT_GT(buyer_pcm.Rms(5.5, 1.0), 1000);
  // The seller's file starts at their own first media.
  EXPECT_GT(Pcm(seller_audio->path).Rms(0.1, 0.5), 1000);
}

TEST_F(ComposeTest, FailingToolGivesAClearErrorAndNoFinalFiles) {
  TempDir out;
  RecordingProcessor::Options options;
  options.ffmpeg = "/bin/false";
  auto r = RecordingProcessor(options).Compose(Segments(), out.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "media_step_failed");
  EXPECT_EQ(r.error().kind, base::ErrorKind::kInternal);
  EXPECT_NE(r.error().message.find("ffmpeg"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("exit status 1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("buyer.opus"), std::string::npos) << r.error().message;
  EXPECT_TRUE(fs::is_empty(out.path())) << "nothing under a final name, no temporaries";

  options.ffmpeg = "vitrina-no-such-ffmpeg";
  auto missing = RecordingProcessor(options).Compose(Segments(), out.path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "spawn_failed");
  EXPECT_NE(missing.error().message.find("vitrina-no-such-ffmpeg"), std::string::npos);
}

TEST_F(ComposeTest, FailureInTheLastStepKeepsEarlierOutputsUnderTemporaryNamesOnly) {
  TempDir out;
  TempDir bin;
  // An ffmpeg that works, except for the combined file.
  fs::path wrapper = bin.path() / "ffmpeg";
  WriteFile(wrapper,
            "#!/bin/sh\n"
            "for a in \"$@\"; do case \"$a\" in *combined*) "
            "echo 'frame=1 noise' >&2; echo 'boom: simulated encoder failure' >&2; exit 1;; "
            "esac; done\n"
            "exec ffmpeg \"$@\"\n",
            true);
  RecordingProcessor::Options options = SmallOptions();
  options.ffmpeg = wrapper.string();
  auto r = RecordingProcessor(options).Compose(Segments(), out.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "media_step_failed");
  EXPECT_NE(r.error().message.find("ffmpeg (combined)"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("combined.webm"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("boom: simulated encoder failure"), std::string::npos)
      << r.error().message;
  // buyer.opus, buyer.webm, ... were written but never renamed, and were cleaned up.
  EXPECT_TRUE(fs::is_empty(out.path())) << "no final names and no temporaries";
}

TEST_F(ComposeTest, TimeoutIsUnavailable) {
  TempDir out;
  RecordingProcessor::Options options;
  options.step_timeout = 1ms;  // nothing starts that fast: the first tool run is killed
  auto r = RecordingProcessor(options).Compose(Segments(/*generate=*/false), out.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "media_step_timeout");
  EXPECT_EQ(r.error().kind, base::ErrorKind::kUnavailable);
}

TEST_F(ComposeTest, RejectsBadInput) {
  TempDir out;
  RecordingProcessor processor;
  auto none = processor.Compose({}, out.path());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "no_recordings");

  auto segments = Segments(/*generate=*/false);
  segments[0].participant = "moderator";
  auto bad = processor.Compose(segments, out.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_role");

  segments = Segments(/*generate=*/false);
  segments[0].file = "/nonexistent/missing.webm";
  auto missing = processor.Compose(segments, out.path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "media_step_failed");
  EXPECT_NE(missing.error().message.find("ffprobe"), std::string::npos);
  EXPECT_NE(missing.error().message.find("missing.webm"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Process: the whole pipeline from a recording folder

// A stand-in janus-pp-rec: a fake .mjr holds the header on its first line and the path of a
// ready media file on its second. Lets the pipeline be tested with any timeline.
constexpr const char* kFakePpRec =
    "#!/bin/sh\n"
    "if [ \"$1\" = -j ]; then\n"
    "  [ \"$(head -c 1 \"$2\")\" = '{' ] && sed -n 1p \"$2\"\n"
    "  exit 0\n"
    "fi\n"
    "[ \"$1\" = -o ] || { echo \"unexpected arguments: $*\"; exit 2; }\n"
    "cp \"$(sed -n 2p \"$2\")\" \"$3\"\n";

class ProcessTest : public ::testing::Test {};

TEST_F(ProcessTest, ConvertsAttributesAndReportsEveryRecording) {
  TempDir rec, out, bin;
  fs::path pp = bin.path() / "janus-pp-rec";
  WriteFile(pp, kFakePpRec, true);
  const fs::path m = MediaFile("b2.webm").parent_path();
  MediaFile("b2.opus");
  auto fake = [&](const std::string& name, const std::string& kind, std::int64_t u,
                  const fs::path& media) {
    std::string header = "{\"t\": \"" + kind + "\", \"c\": \"" + (kind == "a" ? "opus" : "vp8") +
                         "\", \"s\": " + std::to_string(u - 400000) +
                         ", \"u\": " + std::to_string(u) + "}";
    WriteFile(rec.path() / name, header + "\n" + media.string() + "\n");
  };
  fake("videoroom-77-user-11-1795505999600000-audio-0.mjr", "a", kT0, m / "b2.opus");
  fake("videoroom-77-user-11-1795505999600000-video-1.mjr", "v", kT0, m / "b2.webm");
  fake("videoroom-77-user-22-1795506000100000-audio-0.mjr", "a", kT0 + 500'000, m / "b2.opus");
  fake("videoroom-77-user-33-1795506000100000-audio-0.mjr", "a", kT0 + 1'000'000, m / "b2.opus");
  WriteFile(rec.path() / "videoroom-77-user-44-1795506000100000-audio-0.mjr", "MJR00002");
  WriteFile(rec.path() / "videoroom-77-user-11-1795505999600000-data-2.mjr", "{}");
  WriteFile(rec.path() / "notes.txt", "not a recording");

  RecordingProcessor::Options options = SmallOptions();
  options.janus_pp_rec = pp.string();
  RecordingProcessor processor(options);
  auto r = processor.Process(rec.path(), out.path(), {{11, "buyer"}, {22, "seller"}});
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;

  EXPECT_EQ(r->timeline_start_us, kT0);
  EXPECT_NEAR(r->duration_ms, 3000, 500);  // the unknown voice runs 1–3 s
  ASSERT_EQ(r->participants.size(), 3u);
  EXPECT_EQ(r->participants[0].participant, "buyer");
  EXPECT_EQ(r->participants[1].participant, "seller");
  EXPECT_NEAR(r->participants[1].offset_ms, 500, 20);
  EXPECT_EQ(r->participants[2].participant, "unknown");
  EXPECT_EQ(r->participants[2].participant_ids, (std::vector<std::uint64_t>{33}));
  EXPECT_NEAR(r->participants[2].offset_ms, 1000, 20);

  // Unknown participants are kept, under their id.
  const OutputFile* unknown = FindFile(*r, "unknown", FileKind::kAudio);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->path, out.path() / "unknown-33.opus");
  EXPECT_EQ(unknown->participant_id, std::optional<std::uint64_t>(33));
  EXPECT_TRUE(fs::exists(out.path() / "unknown-33.webm"));
  EXPECT_TRUE(fs::exists(out.path() / "seller.webm"));  // audio only: a black picture
  EXPECT_EQ(
      MustRun({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
               "stream=width,height", "-of", "csv=p=0", (out.path() / "combined.webm").string()}),
      "640,240\n")
      << "two tiles of the configured size";

  int tracks = 0;
  for (const OutputFile& f : r->files) {
    if (f.kind != FileKind::kTrack) continue;
    ++tracks;
    EXPECT_EQ(f.path.parent_path(), out.path() / "tracks");
    ASSERT_TRUE(f.participant_id.has_value());
    // Each track at its own first packet: buyer 11 at 0, seller 22 at 0.5 s, unknown 33 at 1 s.
    EXPECT_EQ(f.offset_ms, *f.participant_id == 11   ? 0
                           : *f.participant_id == 22 ? 500
                                                     : 1000)
        << f.path;
  }
  EXPECT_EQ(tracks, 4);
  EXPECT_TRUE(
      fs::exists(out.path() / "tracks" / "videoroom-77-user-11-1795505999600000-video-1.webm"));
  ExpectFilesIntact(*r);
  EXPECT_TRUE(PartialsIn(out.path()).empty());

  // A rerun (the job retried after a crash) succeeds over the existing files and reproduces
  // every composed file bit for bit.
  auto again = processor.Process(rec.path(), out.path(), {{11, "buyer"}, {22, "seller"}});
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_EQ(again->files.size(), r->files.size());
  for (std::size_t i = 0; i < r->files.size(); ++i) {
    EXPECT_EQ(again->files[i].path, r->files[i].path);
    if (r->files[i].kind != FileKind::kTrack) {
      EXPECT_EQ(again->files[i].sha256, r->files[i].sha256) << r->files[i].path;
    }
  }
  ExpectFilesIntact(*again);

  // Nothing is dropped without a word.
  ASSERT_EQ(r->skipped.size(), 3u);
  std::string reasons;
  for (const SkippedRecording& s : r->skipped)
    reasons += s.file.filename().string() + ": " + s.reason + "\n";
  EXPECT_NE(reasons.find("user-44-1795506000100000-audio-0.mjr: no media"), std::string::npos)
      << reasons;
  EXPECT_NE(reasons.find("data-2.mjr: data-channel"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("notes.txt: not a Janus recording"), std::string::npos) << reasons;

  // Raw audio/video recordings go; what was not converted stays for an operator.
  ASSERT_TRUE(processor.RemoveRaw(rec.path()));
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(rec.path())) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"notes.txt",
                                            "videoroom-77-user-11-1795505999600000-data-2.mjr"}));
}

TEST_F(ProcessTest, ErrorsNameTheStepAndTheFile) {
  TempDir rec, out, bin;
  fs::path pp = bin.path() / "janus-pp-rec";
  WriteFile(
      pp,
      "#!/bin/sh\n"
      "[ \"$1\" = -j ] && { echo '{\"t\": \"a\", \"c\": \"opus\", \"s\": 1, \"u\": 2}'; exit 0; }\n"
      "echo 'Pre-parsing file to generate ordered index...'\n"
      "echo 'No destination file x.opus?\?'\n"
      "exit 0\n",  // the real tool exits 0 on this failure
      true);
  WriteFile(rec.path() / "videoroom-1-user-5-6-audio-0.mjr", "x");
  RecordingProcessor::Options options;
  options.janus_pp_rec = pp.string();
  auto r = RecordingProcessor(options).Process(rec.path(), out.path(), {{5, "buyer"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "media_step_failed");
  EXPECT_NE(r.error().message.find("janus-pp-rec (convert)"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("videoroom-1-user-5-6-audio-0.mjr"), std::string::npos);
  EXPECT_NE(r.error().message.find("No destination file"), std::string::npos) << r.error().message;
  EXPECT_TRUE(PartialsIn(out.path()).empty());

  options.janus_pp_rec = "/bin/false";
  auto header = RecordingProcessor(options).Process(rec.path(), out.path(), {});
  ASSERT_FALSE(header);
  EXPECT_NE(header.error().message.find("janus-pp-rec -j"), std::string::npos);

  auto bad_role = RecordingProcessor(options).Process(rec.path(), out.path(), {{5, "admin"}});
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().code, "invalid_role");
}

TEST(ProcessEmptyTest, NoRecordings) {
  TempDir rec, out;
  RecordingProcessor processor;
  auto empty = processor.Process(rec.path(), out.path(), {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "no_recordings");
  EXPECT_EQ(empty.error().kind, base::ErrorKind::kNotFound);

  auto missing = processor.Process(rec.path() / "nope", out.path(), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "no_recordings");

  EXPECT_TRUE(processor.RemoveRaw(rec.path() / "nope")) << "already removed is fine";
}

// Real recordings written by Janus 1.1.2 (streaming plugin, RTP from ffmpeg, renamed as the
// VideoRoom names them): 1 s of Opus and of VP8 320x240, and a publish that sent no packets.
TEST(ProcessRealJanusTest, ConvertsRealRecordings) {
  auto version = base::RunProcess({"janus-pp-rec", "--help"}, 10s);
  if (!version) GTEST_SKIP() << "janus-pp-rec is not installed";
  TempDir rec, out;
  for (const auto& e : fs::directory_iterator(VITRINA_MEDIA_TEST_DATA)) {
    fs::copy_file(e.path(), rec.path() / e.path().filename());
  }
  RecordingProcessor processor(SmallOptions());
  auto r = processor.Process(rec.path(), out.path(), {{42, "seller"}});
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  // The headers' first-packet times: video 1795506724071179, audio 1795506724072404.
  EXPECT_EQ(r->timeline_start_us, 1795506724071179);
  EXPECT_NEAR(r->duration_ms, 1000, 300);
  ASSERT_EQ(r->participants.size(), 1u);
  EXPECT_EQ(r->participants[0].participant, "seller");
  EXPECT_EQ(r->participants[0].offset_ms, 0);
  ASSERT_NE(FindFile(*r, "seller", FileKind::kAudio), nullptr);
  ASSERT_NE(FindFile(*r, "seller", FileKind::kMuxed), nullptr);
  ASSERT_NE(FindFile(*r, "combined", FileKind::kCombined), nullptr);
  EXPECT_TRUE(
      fs::exists(out.path() / "tracks" / "videoroom-1234-user-42-1795506723650082-audio-0.opus"));
  ExpectFilesIntact(*r);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].file.filename(), "videoroom-1234-user-44-1795506725190424-audio-0.mjr");

  ASSERT_TRUE(processor.RemoveRaw(rec.path()));
  EXPECT_FALSE(fs::exists(rec.path())) << "only recordings were in it";
}

}  // namespace
}  // namespace vitrina::media
