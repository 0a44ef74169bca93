#include "asr/tests/test_audio.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "base/subprocess.h"

namespace vitrina::asr::testing {

namespace {

std::uint32_t U32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
std::uint16_t U16(const std::string& s, std::size_t at) {
  std::uint16_t v = 0;
  std::memcpy(&v, s.data() + at, 2);
  return v;
}
void Put(std::string& s, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

Wav ReadWav(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Wav wav;
  EXPECT_GE(data.size(), 12u);
  if (data.size() < 12 || data.compare(0, 4, "RIFF") != 0 || data.compare(8, 4, "WAVE") != 0) {
    ADD_FAILURE() << path << " is not a WAV file";
    return wav;
  }
  std::size_t at = 12;
  while (at + 8 <= data.size()) {
    const std::string id = data.substr(at, 4);
    std::size_t size = U32(data, at + 4);
    const std::size_t body = at + 8;
    if (id == "fmt ") {
      EXPECT_EQ(U16(data, body), 1) << "PCM";
      EXPECT_EQ(U16(data, body + 2), 1) << "mono";
      EXPECT_EQ(U16(data, body + 14), 16) << "16-bit";
      wav.sample_rate = static_cast<int>(U32(data, body + 4));
    } else if (id == "data") {
      size = std::min(size, data.size() - body);
      wav.samples.resize(size / 2);
      std::memcpy(wav.samples.data(), data.data() + body, wav.samples.size() * 2);
    }
    at = body + size + (size & 1);
  }
  EXPECT_GT(wav.sample_rate, 0) << path;
  return wav;
}

void WriteWav(const fs::path& path, const Wav& wav) {
  const auto bytes = static_cast<std::uint32_t>(wav.samples.size() * 2);
  std::string out = "RIFF";
  Put(out, 36 + bytes, 4);
  out += "WAVEfmt ";
  Put(out, 16, 4);
  Put(out, 1, 2);  // PCM
  Put(out, 1, 2);  // mono
  Put(out, static_cast<std::uint32_t>(wav.sample_rate), 4);
  Put(out, static_cast<std::uint32_t>(wav.sample_rate * 2), 4);
  Put(out, 2, 2);
  Put(out, 16, 2);
  out += "data";
  Put(out, bytes, 4);
  out.append(reinterpret_cast<const char*>(wav.samples.data()), bytes);
  std::ofstream(path, std::ios::binary) << out;
}

std::string MustRun(const std::vector<std::string>& argv) {
  auto out = base::RunProcess(argv, std::chrono::seconds(60));
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  if (!out) return {};
  EXPECT_TRUE(out->Succeeded()) << argv[0] << ": " << out->Describe() << ": " << out->stderr_text;
  return out->stdout_text;
}

Wav Speak(const std::string& text, const fs::path& wav_path) {
  MustRun({"flite", "-voice", "slt", "-t", text, "-o", wav_path.string()});
  return ReadWav(wav_path);
}

void EncodeOpus(const fs::path& in, const fs::path& out, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"ffmpeg", "-v",        "error", "-y",
                                   "-i",     in.string(), "-c:a",  "libopus"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(out.string());
  MustRun(argv);
}

}  // namespace vitrina::asr::testing
