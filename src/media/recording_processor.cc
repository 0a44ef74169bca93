#include "media/recording_processor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

#include "base/random.h"
#include "base/subprocess.h"

namespace vitrina::media {
namespace {

namespace json = boost::json;
using base::ErrorKind;
using base::Result;

constexpr std::string_view kPartialPrefix = ".partial.";
constexpr std::size_t kErrorTailChars = 1500;
constexpr int kSampleRate = 48000;
constexpr int kSpeechAudioKbps = 32;

bool IsRole(std::string_view role) { return role == "buyer" || role == "seller"; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T>
std::optional<T> ParseDigits(std::string_view s) {
  if (!AllDigits(s)) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string ErrnoText(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);
}

// The end of what a tool said, for an operator: stderr, or stdout for tools (janus-pp-rec)
// that log there; colour escapes removed.
std::string OutputTail(const base::ProcessOutput& out) {
  std::string_view text = out.stderr_text;
  auto blank = [](std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
  };
  if (blank(text)) text = out.stdout_text;
  while (!text.empty() && std::strchr(" \t\r\n", text.back()) != nullptr) text.remove_suffix(1);
  if (text.size() > kErrorTailChars) text = text.substr(text.size() - kErrorTailChars);
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') {  // ESC [ ... letter
      while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
      continue;
    }
    clean.push_back(text[i]);
  }
  return clean.empty() ? std::string("(no output)") : clean;
}

// Runs one tool; anything but a clean exit is an error naming the step and the file.
Result<base::ProcessOutput> RunStep(std::string_view step, const fs::path& file,
                                    const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout) {
  auto out = base::RunProcess(argv, timeout);
  if (!out) {
    base::Error e = out.error();
    e.message = fmt::format("{} for {}: {}", step, file.string(), e.message);
    return tl::unexpected(std::move(e));
  }
  if (out->timed_out) {
    return base::Fail(ErrorKind::kUnavailable, "media_step_timeout",
                      fmt::format("{} for {}: {}; output: {}", step, file.string(), out->Describe(),
                                  OutputTail(*out)));
  }
  if (!out->Succeeded()) {
    return base::Fail(ErrorKind::kInternal, "media_step_failed",
                      fmt::format("{} for {}: {}; output: {}", step, file.string(), out->Describe(),
                                  OutputTail(*out)));
  }
  return out;
}

Result<void> FsyncPath(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return base::Internal(fmt::format("open {}: {}", path.string(), ErrnoText(errno)));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return base::Internal(fmt::format("fsync {}: {}", path.string(), ErrnoText(err)));
  return base::Ok();
}

// Deletes ".partial." files a crashed run left in `dir`.
void RemovePartials(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(kPartialPrefix)) {
      std::error_code ignored;
      fs::remove(entry.path(), ignored);
    }
  }
}

Result<void> MakeDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return base::Internal(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  return base::Ok();
}

// Outputs written under ".partial." names and renamed together by Commit. Whatever was not
// committed is deleted when this goes away. One thread.
class Staging {
 public:
  struct File {
    fs::path tmp;
    fs::path final_path;
    OutputFile meta;  // path/bytes/duration/sha256 filled in by Finalize
  };

  Staging() = default;
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  ~Staging() {
    if (committed_) return;
    for (const File& f : files_) {
      std::error_code ignored;
      fs::remove(f.tmp, ignored);
    }
  }

  // The temporary path to write `final_path` under; keeps the extension for the tools.
  fs::path Add(const fs::path& final_path, OutputFile meta) {
    fs::path tmp =
        final_path.parent_path() / (std::string(kPartialPrefix) + final_path.filename().string());
    meta.path = final_path;
    files_.push_back(File{tmp, final_path, std::move(meta)});
    return tmp;
  }

  std::vector<File>& files() { return files_; }

  Result<void> Commit() {
    std::vector<fs::path> dirs;
    for (const File& f : files_) {
      TRY(FsyncPath(f.tmp, false));
      if (std::find(dirs.begin(), dirs.end(), f.final_path.parent_path()) == dirs.end()) {
        dirs.push_back(f.final_path.parent_path());
      }
    }
    for (const File& f : files_) {
      std::error_code ec;
      fs::rename(f.tmp, f.final_path, ec);
      if (ec) {
        return base::Internal(fmt::format("rename {} to {}: {}", f.tmp.string(),
                                          f.final_path.string(), ec.message()));
      }
    }
    committed_ = true;
    for (const fs::path& dir : dirs) TRY(FsyncPath(dir, true));
    return base::Ok();
  }

 private:
  std::vector<File> files_;
  bool committed_ = false;
};

struct Probe {
  std::int64_t start_us = 0;
  std::int64_t duration_us = 0;
};

std::optional<double> JsonSeconds(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (!v->is_string()) return std::nullopt;  // "N/A" and the like
  std::string_view s = v->get_string();
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::int64_t ToUs(double seconds) { return static_cast<std::int64_t>(std::llround(seconds * 1e6)); }
std::string Seconds(std::int64_t us) {
  return fmt::format("{:.6f}", static_cast<double>(us) / 1e6);
}

// A media file's start time and duration as ffprobe reports them. For Matroska/WebM and
// Ogg, `duration` is measured from the file's zero (not from start_time): a file whose first
// packet is at 0.5 s and last ends at 2.5 s says start 0.5, duration 2.5.
Result<Probe> ProbeFile(const RecordingProcessor::Options& options, const fs::path& file,
                        const fs::path& shown_as) {
  auto out = TRY(RunStep("ffprobe", shown_as,
                         {options.ffprobe, "-v", "error", "-show_entries",
                          "format=start_time,duration", "-of", "json", file.string()},
                         options.step_timeout));
  boost::system::error_code ec;
  json::value v = json::parse(out.stdout_text, ec);
  const json::object* root = ec ? nullptr : v.if_object();
  const json::value* format = root ? root->if_contains("format") : nullptr;
  std::optional<double> duration;
  std::optional<double> start;
  if (format != nullptr && format->is_object()) {
    duration = JsonSeconds(format->get_object(), "duration");
    start = JsonSeconds(format->get_object(), "start_time");
  }
  if (!duration || *duration <= 0) {
    return base::Fail(ErrorKind::kInternal, "media_step_failed",
                      fmt::format("ffprobe for {}: no duration in its report: {}",
                                  shown_as.string(), out.stdout_text.substr(0, 500)));
  }
  return Probe{ToUs(std::max(0.0, start.value_or(0.0))), ToUs(*duration)};
}

// A segment with its place on the wall clock.
struct Placed {
  const MediaSegment* segment = nullptr;
  std::int64_t begin_us = 0;  // wall clock of the first media
  std::int64_t end_us = 0;    // wall clock of the end of the last media
};

// Everything of one participant: a role (all ids mapped to it) or one unknown id.
struct Party {
  std::string role;  // buyer, seller, unknown
  std::string stem;  // file names: buyer, seller, unknown-<id>
  std::vector<std::uint64_t> ids;
  std::vector<Placed> audio;
  std::vector<Placed> video;
  std::int64_t begin_us = 0;
  std::int64_t end_us = 0;
};

// ffmpeg inputs and the filter graph that places segments on a timeline starting at zero_us.
class GraphBuilder {
 public:
  GraphBuilder(const RecordingProcessor::Options& options, std::int64_t zero_us,
               std::int64_t duration_us)
      : options_(options), zero_us_(zero_us), duration_us_(duration_us) {}

  // Where the segment's frames go: its first media at (begin - zero). ffmpeg shifts each
  // input so that it starts at 0, and the chains subtract STARTPTS; both put the file's
  // first frame at 0, so the offset is that of the first media, not of the file's zero.
  std::int64_t OffsetUs(const Placed& p) const { return p.begin_us - zero_us_; }

  void AddAudio(const Placed& p) {
    int input = AddInput(p.segment->file, false);
    std::int64_t delay_samples = OffsetUs(p) * kSampleRate / 1'000'000;
    std::string label = fmt::format("a{}", audio_labels_.size());
    // asetpts + aresample(async) turn timestamp gaps inside a segment (lost packets) into
    // silence, so samples stay in step with the wall clock; adelay places the segment.
    graph_.push_back(
        fmt::format("[{}:a]asetpts=PTS-STARTPTS,aresample={}:async=1:first_pts=0,"
                    "aformat=sample_fmts=fltp:sample_rates={}:channel_layouts=mono,"
                    "adelay=delays={}S:all=1[{}]",
                    input, kSampleRate, kSampleRate, delay_samples, label));
    audio_labels_.push_back(label);
  }

  // Starts the video canvas: `tiles` pictures side by side, black, the full duration.
  void StartCanvas(int tiles) {
    canvas_ = "c0";
    graph_.push_back(fmt::format("color=c=black:s={}x{}:r={}:d={},format=yuv420p[{}]",
                                 options_.tile_width * tiles, options_.tile_height, options_.fps,
                                 Seconds(duration_us_), canvas_));
  }

  // Puts a video segment on tile `tile` of the canvas, fitted and centred. Frame sizes may
  // change mid-stream (the sender adapts): scale and overlay re-evaluate per frame, and the
  // input is read with -reinit_filter 0 so that a size change does not rebuild the graph
  // (which would restart the canvas at zero).
  void AddVideo(const Placed& p, int tile) {
    int input = AddInput(p.segment->file, true);
    std::string scaled = fmt::format("v{}", video_count_);
    std::string next = fmt::format("c{}", ++video_count_);
    graph_.push_back(fmt::format(
        "[{}:v]setpts=PTS-STARTPTS+{}/TB,scale=w={}:h={}:force_original_aspect_ratio=decrease:"
        "force_divisible_by=2:eval=frame[{}]",
        input, Seconds(OffsetUs(p)), options_.tile_width, options_.tile_height, scaled));
    graph_.push_back(fmt::format(
        "[{}][{}]overlay=x={}+({}-w)/2:y=({}-h)/2:eval=frame:eof_action=pass[{}]", canvas_, scaled,
        tile * options_.tile_width, options_.tile_width, options_.tile_height, next));
    canvas_ = next;
  }

  // Closes the graph: [vout] (if a canvas was started) and [aout], both `duration` long.
  std::string Finish() {
    if (!canvas_.empty()) graph_.push_back(fmt::format("[{}]format=yuv420p[vout]", canvas_));
    if (audio_labels_.empty()) {
      graph_.push_back(fmt::format("anullsrc=r={}:cl=mono[aout]", kSampleRate));
    } else {
      std::string mix;
      for (const std::string& l : audio_labels_) mix += "[" + l + "]";
      // normalize=0: each voice at its own level, not divided by the number of segments.
      graph_.push_back(fmt::format("{}amix=inputs={}:duration=longest:normalize=0,apad[aout]", mix,
                                   audio_labels_.size()));
    }
    std::string out;
    for (const std::string& part : graph_) {
      if (!out.empty()) out += ";";
      out += part;
    }
    return out;
  }

  const std::vector<std::string>& input_args() const { return inputs_; }

 private:
  int AddInput(const fs::path& file, bool video) {
    if (video) {
      inputs_.push_back("-reinit_filter");
      inputs_.push_back("0");
    }
    inputs_.push_back("-i");
    inputs_.push_back(file.string());
    return input_count_++;
  }

  const RecordingProcessor::Options& options_;
  std::int64_t zero_us_;
  std::int64_t duration_us_;
  std::vector<std::string> inputs_;
  std::vector<std::string> graph_;
  std::vector<std::string> audio_labels_;
  std::string canvas_;
  int input_count_ = 0;
  int video_count_ = 0;
};

std::vector<std::string> FfmpegHead(const RecordingProcessor::Options& options) {
  return {options.ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y"};
}

// Output options that make the same inputs give the same bytes (no random container ids, no
// version strings), so a rerun reproduces the SHA-256 already stored. Needs a single-threaded
// encoder (Options::encoder_threads 1) to hold for video.
std::vector<std::string> BitExact() {
  return {"-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"};
}

void Append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

std::vector<std::string> VideoEncoderArgs(const RecordingProcessor::Options& options, int tiles) {
  // Realtime VP8: moderators need to see who did what, not fine detail, and the machine has
  // two cores shared with everything else.
  std::vector<std::string> args = {"-c:v",      "libvpx",
                                   "-deadline", "realtime",
                                   "-cpu-used", std::to_string(options.vp8_cpu_used),
                                   "-b:v",      fmt::format("{}k", options.video_kbps * tiles),
                                   "-g",        std::to_string(options.fps * 5)};
  if (options.encoder_threads > 0) {
    Append(args, {"-threads", std::to_string(options.encoder_threads)});
  }
  return args;
}

// <stem>.opus: one participant's voice, mono Opus, zero at their first media.
Result<void> WriteAudio(const RecordingProcessor::Options& options, const Party& party,
                        const fs::path& tmp, const fs::path& shown_as) {
  GraphBuilder graph(options, party.begin_us, party.end_us - party.begin_us);
  for (const Placed& p : party.audio) graph.AddAudio(p);
  std::string filter = graph.Finish();
  std::vector<std::string> argv = FfmpegHead(options);
  Append(argv, graph.input_args());
  Append(argv,
         {"-filter_complex", filter, "-map", "[aout]", "-t", Seconds(party.end_us - party.begin_us),
          "-c:a", "libopus", "-b:a", fmt::format("{}k", kSpeechAudioKbps), "-ac", "1"});
  Append(argv, BitExact());
  Append(argv, {"-f", "opus", tmp.string()});
  TRY(RunStep(fmt::format("ffmpeg ({} audio)", party.stem), shown_as, argv, options.step_timeout));
  return base::Ok();
}

// <stem>.webm: one participant's audio and video. With one video segment and at most one
// audio segment (the usual call) both streams are copied with their offsets, which is
// instant and keeps the original quality; otherwise everything is re-encoded on a canvas.
Result<void> WriteMuxed(const RecordingProcessor::Options& options, const Party& party,
                        const fs::path& tmp, const fs::path& shown_as) {
  std::vector<std::string> argv = FfmpegHead(options);
  const std::int64_t duration_us = party.end_us - party.begin_us;
  auto ext_is = [](const Placed& p, std::initializer_list<std::string_view> exts) {
    std::string ext = p.segment->file.extension().string();
    return std::find(exts.begin(), exts.end(), ext) != exts.end();
  };
  const bool copyable = party.video.size() == 1 && party.audio.size() <= 1 &&
                        ext_is(party.video.front(), {".webm"}) &&
                        (party.audio.empty() || ext_is(party.audio.front(), {".opus", ".webm"}));
  if (copyable) {
    // -itsoffset applies after ffmpeg has shifted the input to start at 0, so it is the
    // offset of the segment's first media.
    std::vector<const Placed*> parts = {&party.video.front()};
    if (!party.audio.empty()) parts.push_back(&party.audio.front());
    for (const Placed* p : parts) {
      Append(argv, {"-itsoffset", Seconds(p->begin_us - party.begin_us), "-i",
                    p->segment->file.string()});
    }
    Append(argv, {"-map", "0:v:0"});
    if (parts.size() > 1) Append(argv, {"-map", "1:a:0"});
    Append(argv, {"-c", "copy"});
    Append(argv, BitExact());
    Append(argv, {"-f", "webm", tmp.string()});
  } else {
    GraphBuilder graph(options, party.begin_us, duration_us);
    graph.StartCanvas(1);
    for (const Placed& p : party.video) graph.AddVideo(p, 0);
    for (const Placed& p : party.audio) graph.AddAudio(p);
    std::string filter = graph.Finish();
    Append(argv, graph.input_args());
    Append(argv, {"-filter_complex", filter, "-map", "[vout]", "-map", "[aout]", "-t",
                  Seconds(duration_us)});
    Append(argv, VideoEncoderArgs(options, 1));
    Append(argv, {"-c:a", "libopus", "-b:a", fmt::format("{}k", options.audio_kbps)});
    Append(argv, BitExact());
    Append(argv, {"-f", "webm", tmp.string()});
  }
  TRY(RunStep(fmt::format("ffmpeg ({} muxed)", party.stem), shown_as, argv, options.step_timeout));
  return base::Ok();
}

// combined.webm: buyer left, seller right, every voice mixed, zero at the earliest media.
Result<void> WriteCombined(const RecordingProcessor::Options& options,
                           const std::vector<Party>& parties, std::int64_t zero_us,
                           std::int64_t duration_us, const fs::path& tmp,
                           const fs::path& shown_as) {
  GraphBuilder graph(options, zero_us, duration_us);
  graph.StartCanvas(2);
  for (const Party& party : parties) {
    if (party.role == "buyer" || party.role == "seller") {
      for (const Placed& p : party.video) graph.AddVideo(p, party.role == "buyer" ? 0 : 1);
    }
  }
  for (const Party& party : parties) {
    for (const Placed& p : party.audio) graph.AddAudio(p);
  }
  std::string filter = graph.Finish();
  std::vector<std::string> argv = FfmpegHead(options);
  Append(argv, graph.input_args());
  Append(argv, {"-filter_complex", filter, "-map", "[vout]", "-map", "[aout]", "-t",
                Seconds(duration_us)});
  Append(argv, VideoEncoderArgs(options, 2));
  Append(argv, {"-c:a", "libopus", "-b:a", fmt::format("{}k", options.audio_kbps)});
  Append(argv, BitExact());
  Append(argv, {"-f", "webm", tmp.string()});
  TRY(RunStep("ffmpeg (combined)", shown_as, argv, options.step_timeout));
  return base::Ok();
}

OutputFile Meta(std::string participant, std::optional<std::uint64_t> id, FileKind kind) {
  OutputFile f;
  f.participant = std::move(participant);
  f.participant_id = id;
  f.kind = kind;
  return f;
}

// Size, duration and SHA-256 of every staged file. `probed`: files probed already (tracks
// that were also inputs).
Result<void> Finalize(const RecordingProcessor::Options& options, Staging& staging,
                      const std::map<fs::path, Probe>& probed) {
  for (Staging::File& f : staging.files()) {
    std::error_code ec;
    auto bytes = fs::file_size(f.tmp, ec);
    if (ec || bytes == 0) {
      return base::Fail(ErrorKind::kInternal, "media_step_failed",
                        fmt::format("{} was not written: {}", f.final_path.string(),
                                    ec ? ec.message() : "empty file"));
    }
    f.meta.bytes = bytes;
    auto known = probed.find(f.tmp);
    Probe probe =
        known != probed.end() ? known->second : TRY(ProbeFile(options, f.tmp, f.final_path));
    f.meta.duration_ms = probe.duration_us / 1000;
    f.meta.sha256 = TRY(FileSha256Hex(f.tmp));
  }
  return base::Ok();
}

// Composes `segments` into out_dir through `staging` (which may already hold tracks),
// then finalizes and commits everything staged.
Result<ProcessResult> ComposeStaged(const RecordingProcessor::Options& options,
                                    const std::vector<MediaSegment>& segments,
                                    const fs::path& out_dir, Staging& staging) {
  if (segments.empty()) return base::NotFound("no_recordings", "no media segments to compose");
  std::vector<Placed> placed;
  placed.reserve(segments.size());
  std::map<fs::path, Probe> probed;
  for (const MediaSegment& s : segments) {
    if (s.participant != "buyer" && s.participant != "seller" && s.participant != "unknown") {
      return base::InvalidArgument("invalid_role",
                                   fmt::format("participant of {} is \"{}\"; want buyer, seller "
                                               "or unknown",
                                               s.file.string(), s.participant));
    }
    if (s.kind == TrackKind::kData) {
      return base::InvalidArgument("invalid_segment",
                                   fmt::format("{} is a data track", s.file.string()));
    }
    Probe probe = TRY(ProbeFile(options, s.file, s.file));
    probed[s.file] = probe;
    Placed p;
    p.segment = &s;
    p.begin_us = s.start_us + probe.start_us;
    p.end_us = s.start_us + std::max(probe.duration_us, probe.start_us + 1000);
    placed.push_back(p);
  }

  // Parties: buyer, seller, then unknown ids in order.
  std::vector<Party> parties;
  auto party_for = [&parties](const MediaSegment& s) -> Party& {
    std::string stem =
        s.participant == "unknown" ? fmt::format("unknown-{}", s.participant_id) : s.participant;
    for (Party& p : parties) {
      if (p.stem == stem) return p;
    }
    parties.push_back(Party{s.participant, stem, {}, {}, {}, 0, 0});
    return parties.back();
  };
  for (const Placed& p : placed) {
    Party& party = party_for(*p.segment);
    if (std::find(party.ids.begin(), party.ids.end(), p.segment->participant_id) ==
        party.ids.end()) {
      party.ids.push_back(p.segment->participant_id);
    }
    (p.segment->kind == TrackKind::kAudio ? party.audio : party.video).push_back(p);
  }
  auto rank = [](const Party& p) { return p.role == "buyer" ? 0 : p.role == "seller" ? 1 : 2; };
  std::stable_sort(parties.begin(), parties.end(), [&rank](const Party& a, const Party& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a.ids < b.ids;
  });
  std::int64_t zero_us = placed.front().begin_us;
  std::int64_t end_us = placed.front().end_us;
  for (Party& party : parties) {
    auto by_begin = [](const Placed& a, const Placed& b) { return a.begin_us < b.begin_us; };
    std::sort(party.audio.begin(), party.audio.end(), by_begin);
    std::sort(party.video.begin(), party.video.end(), by_begin);
    std::sort(party.ids.begin(), party.ids.end());
    party.begin_us = INT64_MAX;
    party.end_us = INT64_MIN;
    for (const auto* list : {&party.audio, &party.video}) {
      for (const Placed& p : *list) {
        party.begin_us = std::min(party.begin_us, p.begin_us);
        party.end_us = std::max(party.end_us, p.end_us);
      }
    }
    zero_us = std::min(zero_us, party.begin_us);
    end_us = std::max(end_us, party.end_us);
  }

  for (const Party& party : parties) {
    std::optional<std::uint64_t> id;
    if (party.role == "unknown") id = party.ids.front();
    if (!party.audio.empty()) {
      fs::path final_path = out_dir / (party.stem + ".opus");
      fs::path tmp = staging.Add(final_path, Meta(party.role, id, FileKind::kAudio));
      TRY(WriteAudio(options, party, tmp, final_path));
    }
    fs::path final_path = out_dir / (party.stem + ".webm");
    fs::path tmp = staging.Add(final_path, Meta(party.role, id, FileKind::kMuxed));
    TRY(WriteMuxed(options, party, tmp, final_path));
  }
  fs::path combined = out_dir / "combined.webm";
  fs::path combined_tmp =
      staging.Add(combined, Meta("combined", std::nullopt, FileKind::kCombined));
  TRY(WriteCombined(options, parties, zero_us, end_us - zero_us, combined_tmp, combined));

  for (Staging::File& f : staging.files()) {
    if (f.meta.kind == FileKind::kCombined) continue;
    if (f.meta.kind == FileKind::kTrack) {
      for (const MediaSegment& s : segments) {
        if (s.file == f.tmp) f.meta.offset_ms = (s.start_us - zero_us) / 1000;
      }
      continue;
    }
    for (const Party& party : parties) {
      if (f.final_path.stem() == party.stem) f.meta.offset_ms = (party.begin_us - zero_us) / 1000;
    }
  }
  TRY(Finalize(options, staging, probed));
  TRY(staging.Commit());

  ProcessResult result;
  result.timeline_start_us = zero_us;
  result.duration_ms = (end_us - zero_us) / 1000;
  for (Staging::File& f : staging.files()) {
    if (f.meta.kind == FileKind::kCombined) result.duration_ms = f.meta.duration_ms;
  }
  // Combined, then per participant, then tracks.
  for (FileKind kind :
       {FileKind::kCombined, FileKind::kAudio, FileKind::kMuxed, FileKind::kTrack}) {
    for (Staging::File& f : staging.files()) {
      if (f.meta.kind == kind) result.files.push_back(f.meta);
    }
  }
  for (const Party& party : parties) {
    ParticipantTimeline t;
    t.participant = party.role;
    t.participant_ids = party.ids;
    t.offset_ms = (party.begin_us - zero_us) / 1000;
    t.duration_ms = (party.end_us - party.begin_us) / 1000;
    t.audio_segments = static_cast<int>(party.audio.size());
    t.video_segments = static_cast<int>(party.video.size());
    result.participants.push_back(std::move(t));
  }
  return result;
}

std::string_view ExtensionForCodec(std::string_view codec) {
  if (codec == "opus") return ".opus";
  if (codec == "vp8" || codec == "vp9" || codec == "av1") return ".webm";
  if (codec == "h264" || codec == "h265") return ".mkv";
  return {};
}

}  // namespace

std::string_view TrackKindName(TrackKind kind) {
  switch (kind) {
    case TrackKind::kAudio:
      return "audio";
    case TrackKind::kVideo:
      return "video";
    case TrackKind::kData:
      return "data";
  }
  return "unknown";
}

std::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kTrack:
      return "track";
    case FileKind::kAudio:
      return "audio";
    case FileKind::kMuxed:
      return "muxed";
    case FileKind::kCombined:
      return "combined";
  }
  return "unknown";
}

std::optional<RecordingName> ParseRecordingName(std::string_view name) {
  constexpr std::string_view kPrefix = "videoroom-";
  constexpr std::string_view kSuffix = ".mjr";
  constexpr std::string_view kUser = "-user";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  std::string_view rest =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  // Fields are taken from the right: the room (a string id) may itself contain dashes.
  auto take_last = [&rest]() -> std::optional<std::string_view> {
    std::size_t dash = rest.rfind('-');
    if (dash == std::string_view::npos) return std::nullopt;
    std::string_view field = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
    return field;
  };
  auto mindex_text = take_last();
  auto kind_text = take_last();
  auto created_text = take_last();
  auto id_text = take_last();
  if (!mindex_text || !kind_text || !created_text || !id_text) return std::nullopt;
  if (!rest.ends_with(kUser) || rest.size() == kUser.size()) return std::nullopt;

  RecordingName out;
  out.room = std::string(rest.substr(0, rest.size() - kUser.size()));
  if (*kind_text == "audio") {
    out.kind = TrackKind::kAudio;
  } else if (*kind_text == "video") {
    out.kind = TrackKind::kVideo;
  } else if (*kind_text == "data") {
    out.kind = TrackKind::kData;
  } else {
    return std::nullopt;
  }
  auto mindex = ParseDigits<int>(*mindex_text);
  auto created = ParseDigits<std::int64_t>(*created_text);
  auto id = ParseDigits<std::uint64_t>(*id_text);
  if (!mindex || !created || !id) return std::nullopt;
  out.mindex = *mindex;
  out.created_us = *created;
  out.participant_id = *id;
  return out;
}

Result<PpRecHeader> ParsePpRecHeader(std::string_view json_text) {
  auto bad = [&json_text](std::string_view why) {
    return base::InvalidArgument(
        "bad_mjr_header", fmt::format("janus-pp-rec header {}: {}", why, json_text.substr(0, 300)));
  };
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec || !v.is_object()) return bad("is not a JSON object");
  const json::object& obj = v.get_object();

  PpRecHeader h;
  const json::value* t = obj.if_contains("t");
  if (t == nullptr || !t->is_string()) return bad("has no type \"t\"");
  if (t->get_string() == "a") {
    h.kind = TrackKind::kAudio;
  } else if (t->get_string() == "v") {
    h.kind = TrackKind::kVideo;
  } else if (t->get_string() == "d") {
    h.kind = TrackKind::kData;
  } else {
    return bad("has an unknown type \"t\"");
  }
  const json::value* c = obj.if_contains("c");
  if (c == nullptr || !c->is_string() || c->get_string().empty()) return bad("has no codec \"c\"");
  h.codec = std::string(c->get_string());

  auto time_us = [&obj](std::string_view key) -> std::optional<std::int64_t> {
    const json::value* x = obj.if_contains(key);
    if (x == nullptr) return std::nullopt;
    if (x->is_int64() && x->get_int64() > 0) return x->get_int64();
    return std::nullopt;  // uint64 beyond int64, doubles, strings: not what record.c writes
  };
  auto created = time_us("s");
  auto first = time_us("u");
  if (!created) return bad("has no creation time \"s\"");
  if (!first) return bad("has no first-packet time \"u\"");
  h.created_us = *created;
  h.first_packet_us = *first;
  if (const json::value* e = obj.if_contains("e"); e != nullptr && e->is_bool()) {
    h.encrypted = e->get_bool();
  }
  return h;
}

Result<std::string> FileSha256Hex(const fs::path& path) {
  if (!base::InitCrypto()) return base::Internal("libsodium cannot be initialised");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return base::Internal(fmt::format("sha256 of {}: {}", path.string(), ErrnoText(errno)));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return base::Internal(fmt::format("sha256 of {}: {}", path.string(), ErrnoText(err)));
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&state, buf.data(), static_cast<unsigned long long>(n));
  }
  ::close(fd);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

RecordingProcessor::RecordingProcessor(Options options) : options_(std::move(options)) {}

Result<ProcessResult> RecordingProcessor::Compose(const std::vector<MediaSegment>& segments,
                                                  const fs::path& out_dir) const {
  TRY(MakeDir(out_dir));
  RemovePartials(out_dir);
  Staging staging;
  return ComposeStaged(options_, segments, out_dir, staging);
}

Result<ProcessResult> RecordingProcessor::Process(
    const fs::path& rec_dir, const fs::path& out_dir,
    const std::map<std::uint64_t, std::string>& roles) const {
  for (const auto& [id, role] : roles) {
    if (!IsRole(role)) {
      return base::InvalidArgument(
          "invalid_role",
          fmt::format("participant {} has role \"{}\"; want buyer or seller", id, role));
    }
  }
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(rec_dir, ec)) {
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec)) entries.push_back(entry.path());
  }
  if (ec) {
    return base::NotFound("no_recordings", fmt::format("cannot read recording folder {}: {}",
                                                       rec_dir.string(), ec.message()));
  }
  std::sort(entries.begin(), entries.end());

  const fs::path tracks_dir = out_dir / "tracks";
  TRY(MakeDir(tracks_dir));
  RemovePartials(out_dir);
  RemovePartials(tracks_dir);

  Staging staging;
  std::vector<MediaSegment> segments;
  std::vector<SkippedRecording> skipped;
  for (const fs::path& file : entries) {
    const std::string name = file.filename().string();
    if (!name.ends_with(".mjr")) {
      skipped.push_back({file, "not a Janus recording (.mjr)"});
      continue;
    }
    std::optional<RecordingName> parsed = ParseRecordingName(name);
    if (!parsed) {
      skipped.push_back({file, "name is not videoroom-<room>-user-<id>-<time>-<kind>-<n>.mjr"});
      continue;
    }
    if (parsed->kind == TrackKind::kData) {
      skipped.push_back({file, "data-channel recording"});
      continue;
    }
    auto header_out =
        TRY(RunStep("janus-pp-rec -j (read header)", file,
                    {options_.janus_pp_rec, "-j", file.string()}, options_.step_timeout));
    if (header_out.stdout_text.find_first_not_of(" \t\r\n") == std::string::npos) {
      // Janus writes the header with the first packet: a publisher whose media never
      // flowed leaves an 8-byte file.
      skipped.push_back({file, "no media: the recording holds no packets"});
      continue;
    }
    auto header = ParsePpRecHeader(header_out.stdout_text);
    if (!header) {
      return base::Fail(ErrorKind::kInternal, "bad_mjr_header",
                        fmt::format("{}: {}", file.string(), header.error().message));
    }
    if (header->encrypted) {
      skipped.push_back({file, "end-to-end encrypted media cannot be decoded"});
      continue;
    }
    if (header->kind == TrackKind::kData) {
      skipped.push_back({file, "data-channel recording"});
      continue;
    }
    std::string_view ext = ExtensionForCodec(header->codec);
    if (ext.empty()) {
      return base::Fail(ErrorKind::kInternal, "unsupported_codec",
                        fmt::format("{}: codec {} is not supported", file.string(), header->codec));
    }
    auto role_it = roles.find(parsed->participant_id);
    std::string role = role_it == roles.end() ? "unknown" : role_it->second;
    fs::path final_path = tracks_dir / (file.stem().string() + std::string(ext));
    fs::path tmp = staging.Add(final_path, Meta(role, parsed->participant_id, FileKind::kTrack));
    auto converted = TRY(RunStep("janus-pp-rec (convert)", file,
                                 {options_.janus_pp_rec, "-o", file.string(), tmp.string()},
                                 options_.step_timeout));
    std::error_code size_ec;
    if (fs::file_size(tmp, size_ec) == 0 || size_ec) {
      // janus-pp-rec exits 0 after some failures; the missing file is the tell.
      return base::Fail(ErrorKind::kInternal, "media_step_failed",
                        fmt::format("janus-pp-rec (convert) for {}: wrote no {}; output: {}",
                                    file.string(), ext, OutputTail(converted)));
    }
    segments.push_back(
        MediaSegment{role, parsed->participant_id, header->kind, tmp, header->MediaStartUs()});
  }
  if (segments.empty()) {
    std::string why;
    for (const SkippedRecording& s : skipped) {
      why += fmt::format("; {}: {}", s.file.filename().string(), s.reason);
    }
    return base::NotFound("no_recordings",
                          fmt::format("no recordings with media in {}{}", rec_dir.string(), why));
  }
  auto result = TRY(ComposeStaged(options_, segments, out_dir, staging));
  result.skipped = std::move(skipped);
  return result;
}

Result<void> RecordingProcessor::RemoveRaw(const fs::path& rec_dir) const {
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::directory_iterator(rec_dir, ec)) {
    auto parsed = ParseRecordingName(entry.path().filename().string());
    if (parsed && parsed->kind != TrackKind::kData) doomed.push_back(entry.path());
  }
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return base::Ok();  // removed already
    return base::Internal(fmt::format("cannot read {}: {}", rec_dir.string(), ec.message()));
  }
  for (const fs::path& p : doomed) {
    std::error_code rm_ec;
    fs::remove(p, rm_ec);
    if (rm_ec)
      return base::Internal(fmt::format("cannot delete {}: {}", p.string(), rm_ec.message()));
  }
  std::error_code empty_ec;
  if (fs::is_empty(rec_dir, empty_ec) && !empty_ec) fs::remove(rec_dir, empty_ec);
  return base::Ok();
}

}  // namespace vitrina::media
