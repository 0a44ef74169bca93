#pragma once
// Test audio made at test time (flite speech, ffmpeg encoding): no committed recordings.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace vitrina::asr::testing {

namespace fs = std::filesystem;

using TempDir = vitrina::testing::TempDir;

// 16-bit PCM mono WAV (flite's format). Reading fails the test on anything else.
struct Wav {
  int sample_rate = 0;
  std::vector<std::int16_t> samples;
  double seconds() const { return static_cast<double>(samples.size()) / sample_rate; }
};
Wav ReadWav(const fs::path& path);
void WriteWav(const fs::path& path, const Wav& wav);

// `flite -voice slt` speaking `text` into `wav_path` (16 kHz mono).
Wav Speak(const std::string& text, const fs::path& wav_path);

// Runs a command that must succeed (test failure otherwise); returns its stdout.
std::string MustRun(const std::vector<std::string>& argv);

// ffmpeg -i in -c:a libopus [extra...] out
void EncodeOpus(const fs::path& in, const fs::path& out,
                const std::vector<std::string>& extra = {});

}  // namespace vitrina::asr::testing
