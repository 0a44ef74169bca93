#pragma once
// Post-processing of a call's Janus recordings (.mjr, one per track and publish) into files a
// moderator can watch and a recogniser can listen to, all on one timeline.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace vitrina::media {

namespace fs = std::filesystem;

enum class TrackKind { kAudio, kVideo, kData };
std::string_view TrackKindName(TrackKind kind);  // "audio", "video", "data"

// What the VideoRoom plugin puts in a recording's file name:
// videoroom-<room>-user-<participant>-<µs wall clock>-<audio|video|data>-<m-line index>.mjr
// (janus_videoroom.c, janus_videoroom_recorder_create; Janus appends ".mjr").
struct RecordingName {
  std::string room;  // rooms may have string ids, so kept as text
  std::uint64_t participant_id = 0;
  std::int64_t created_us = 0;  // when Janus opened the file, not when media began
  TrackKind kind = TrackKind::kAudio;
  int mindex = 0;
};

// Parses a file name (not a path). nullopt for anything else, including participant ids that
// are not numbers (our rooms never use string participant ids).
std::optional<RecordingName> ParseRecordingName(std::string_view filename);

// The JSON header that `janus-pp-rec -j file.mjr` prints (record.c writes it with the first
// packet), e.g. {"t": "a", "c": "opus", "s": 1795506396021657, "u": 1795506396475381}.
struct PpRecHeader {
  TrackKind kind = TrackKind::kAudio;  // "t": a/v/d
  std::string codec;                   // "c": opus, vp8, ...
  std::int64_t created_us = 0;         // "s": file created, µs wall clock
  std::int64_t first_packet_us = 0;    // "u": first packet written, µs wall clock
  bool encrypted = false;              // "e": end-to-end encrypted media (cannot be decoded)

  // Wall-clock time of the converted file's zero: janus-pp-rec stamps every packet relative to
  // the first one.
  std::int64_t MediaStartUs() const { return first_packet_us; }
};

// Errors: kInvalidArgument "bad_mjr_header" for anything that is not such a header.
[[nodiscard]] base::Result<PpRecHeader> ParsePpRecHeader(std::string_view json_text);

// One converted track of one publish (an .opus or .webm written by janus-pp-rec, or any file
// ffmpeg reads), ready to be placed on the call's timeline.
struct MediaSegment {
  std::string participant;  // "buyer", "seller" or "unknown"
  std::uint64_t participant_id = 0;
  TrackKind kind = TrackKind::kAudio;  // kAudio or kVideo
  fs::path file;
  std::int64_t start_us = 0;  // wall clock of the file's zero (PpRecHeader::MediaStartUs)
};

enum class FileKind {
  kTrack,     // one segment as janus-pp-rec wrote it: the original media, not re-encoded
  kAudio,     // a participant's audio over their whole presence (Opus, mono), for recognition
  kMuxed,     // a participant's audio and video (WebM)
  kCombined,  // both participants side by side, both voices mixed (WebM), for moderators
};
std::string_view FileKindName(FileKind kind);  // "track", "audio", "muxed", "combined"

struct OutputFile {
  std::string participant;                      // "buyer", "seller", "unknown" or "combined"
  std::optional<std::uint64_t> participant_id;  // tracks and unknown participants only
  FileKind kind = FileKind::kTrack;
  fs::path path;
  std::uint64_t bytes = 0;
  std::int64_t duration_ms = 0;  // as ffprobe reports it
  std::string sha256;            // lower-case hex
  // Where this file's zero lies on the combined timeline: 0 for combined, the participant's
  // offset_ms for their files, and for a track the time of its first packet.
  std::int64_t offset_ms = 0;
};

// One participant on the combined timeline. All segments of all participant ids mapped to
// the same role are one participant (a rejoin may bring a new id).
struct ParticipantTimeline {
  std::string participant;  // "buyer", "seller" or "unknown"
  std::vector<std::uint64_t> participant_ids;
  std::int64_t offset_ms = 0;    // their first media, on the combined timeline
  std::int64_t duration_ms = 0;  // first media to last; their own files start at offset_ms
  int audio_segments = 0;
  int video_segments = 0;
};

// A recording that was not converted, and why (never dropped without a word).
struct SkippedRecording {
  fs::path file;
  std::string reason;
};

struct ProcessResult {
  std::int64_t timeline_start_us = 0;             // wall clock µs of the combined file's zero
  std::int64_t duration_ms = 0;                   // of the combined file (ffprobe)
  std::vector<ParticipantTimeline> participants;  // buyer, seller, then unknown ones
  std::vector<OutputFile> files;
  std::vector<SkippedRecording> skipped;
};

// Runs janus-pp-rec, ffprobe and ffmpeg as child processes (no shell) to turn a call's
// recording folder into the files of ProcessResult. Holds only its options: const methods,
// safe to call from several worker threads at once, but only one call per out_dir at a time.
// Each call blocks for as long as the tools run (about 0.2x the call's length on two busy
// cores: 5-6 s for a 30 s two-party call with a rejoin), so it belongs on a job worker,
// never on an I/O thread.
//
// Outputs are written under ".partial." names and renamed only once every step succeeded, so
// a failure or crash never leaves a half-written file under a final name, and a rerun
// starts by deleting ".partial." leftovers and then replaces the final files. The composed
// files are bit-exact: the same segments give the same SHA-256 (janus-pp-rec's tracks are
// not: it writes random container ids).
class RecordingProcessor {
 public:
  struct Options {
    std::string janus_pp_rec = "janus-pp-rec";
    std::string ffmpeg = "ffmpeg";
    std::string ffprobe = "ffprobe";
    // Per tool run. Encoding the combined file takes the longest: about 0.1 s per second of
    // call on two busy cores, so the default leaves room for calls of several hours.
    std::chrono::milliseconds step_timeout = std::chrono::minutes(30);
    int fps = 20;          // of the re-encoded video
    int tile_width = 640;  // each participant's picture; combined is two tiles wide
    int tile_height = 480;
    int video_kbps = 500;  // per tile
    // libvpx speed, 0..16 with -deadline realtime. On a 30 s two-party call (testsrc), 16
    // encodes the combined file 3-4x faster than 8 at ~43 instead of ~47.5 dB PSNR.
    int vp8_cpu_used = 16;
    int audio_kbps = 48;  // combined and muxed; the speech-only <role>.opus uses 32
    // libvpx threads (ffmpeg -threads; 0: ffmpeg chooses). 1 on purpose: libvpx's threads
    // spin-wait for each other, and on two cores shared with other work one 27 s re-encode
    // then took anywhere from 1.5 to 33 CPU-seconds; single-threaded it is steady (and the
    // output bit-exact).
    int encoder_threads = 1;
  };

  RecordingProcessor() : RecordingProcessor(Options{}) {}
  explicit RecordingProcessor(Options options);

  // Converts every .mjr in rec_dir (tracks under out_dir/tracks/) and composes them (see
  // Compose). `roles` maps participant ids to "buyer" or "seller"; recordings of other ids
  // are processed as "unknown-<id>". Data-channel and packet-less recordings are listed in
  // `skipped`. Errors: kNotFound "no_recordings" (no .mjr with media, or no rec_dir),
  // kInvalidArgument "invalid_role", kInternal "bad_mjr_header" / "unsupported_codec" (a
  // codec other than Opus, VP8/VP9/AV1, H.264/H.265) naming the file, and any step's error
  // (see Compose; "janus-pp-rec" steps too).
  [[nodiscard]] base::Result<ProcessResult> Process(
      const fs::path& rec_dir, const fs::path& out_dir,
      const std::map<std::uint64_t, std::string>& roles) const;

  // Places ready segments on one timeline whose zero is the earliest media of all, and
  // writes per participant <p>.opus (if they have audio) and <p>.webm, and combined.webm
  // (buyer left, seller right, voices of everyone mixed), where <p> is buyer, seller or
  // unknown-<id>. A participant's own files start at their first media. Gaps between and
  // before segments are silence and black. Errors: kNotFound "no_recordings" for no segments;
  // a failing tool: kInternal "media_step_failed" (kUnavailable "media_step_timeout" on a
  // timeout, "spawn_failed" if the tool is missing) whose message names the step, the file
  // and the end of the tool's output.
  [[nodiscard]] base::Result<ProcessResult> Compose(const std::vector<MediaSegment>& segments,
                                                    const fs::path& out_dir) const;

  // Deletes the audio and video .mjr files of rec_dir, and rec_dir itself if that leaves it
  // empty. Anything else (data-channel recordings, foreign files) stays for an operator. Call
  // only once the result of Process is safely stored.
  [[nodiscard]] base::Result<void> RemoveRaw(const fs::path& rec_dir) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
};

// Streaming SHA-256 of a file, lower-case hex. Errors: kInternal with the path.
[[nodiscard]] base::Result<std::string> FileSha256Hex(const fs::path& path);

}  // namespace vitrina::media
