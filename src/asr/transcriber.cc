#include "asr/transcriber.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vitrina::asr {

double LoudnessDbfs(std::span<const std::int16_t> pcm) {
  if (pcm.empty()) return -120.0;
  double sum = 0;
  for (const std::int16_t s : pcm) sum += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum / static_cast<double>(pcm.size())) / 32768.0;
  return rms <= 1e-6 ? -120.0 : 20.0 * std::log10(rms);
}

Result<Transcription> TranscribePcm(SpeechRecognizer& recognizer,
                                    std::span<const std::int16_t> pcm_16k, std::int64_t offset_ms,
                                    const std::string& language, const TranscribeOptions& options) {
  Transcription out;
  out.audio_ms = static_cast<std::int64_t>(pcm_16k.size()) * 1000 / kSampleRate;
  // An empty call: validates the language and fills in engine/model even for silent audio.
  out.recognition = TRY(recognizer.Recognize({}, offset_ms, language));

  const std::vector<SpeechRegion> regions = DetectSpeech(pcm_16k, options.vad);
  out.regions = static_cast<int>(regions.size());
  for (const SpeechRegion& region : regions) {
    const std::size_t a = SampleAt(region.start_ms, pcm_16k.size());
    const std::size_t b = SampleAt(region.end_ms, pcm_16k.size());
    if (b <= a) continue;
    out.speech_ms += region.end_ms - region.start_ms;
    Recognition part =
        TRY(recognizer.Recognize(pcm_16k.subspan(a, b - a), offset_ms + region.start_ms, language));
    for (Segment& segment : part.segments) {
      // The level of the segment's own samples (its times are on the caller's timeline).
      const std::size_t from = SampleAt(segment.start_ms - offset_ms, pcm_16k.size());
      const std::size_t to = SampleAt(segment.end_ms - offset_ms, pcm_16k.size());
      if (to > from) segment.loudness_dbfs = LoudnessDbfs(pcm_16k.subspan(from, to - from));
      out.recognition.segments.push_back(std::move(segment));
    }
    if (options.progress && !options.progress(region.end_ms, out.audio_ms)) {
      return base::Fail(base::ErrorKind::kUnavailable, "asr_cancelled",
                        "speech recognition stopped at " + std::to_string(region.end_ms) + " of " +
                            std::to_string(out.audio_ms) + " ms");
    }
  }
  return out;
}

Result<Transcription> TranscribeOpusFile(SpeechRecognizer& recognizer,
                                         const std::filesystem::path& path, std::int64_t offset_ms,
                                         const std::string& language,
                                         const TranscribeOptions& options) {
  TRY(recognizer.Recognize({}, offset_ms, language));  // a bad language fails before decoding
  const DecodedAudio audio = TRY(DecodeOpusFile(path));
  return TranscribePcm(recognizer, audio.samples, offset_ms, language, options);
}

}  // namespace vitrina::asr
