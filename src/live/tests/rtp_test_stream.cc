#include "live/tests/rtp_test_stream.h"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <algorithm>
#include <cmath>

#include "asr/tests/test_audio.h"

namespace vitrina::live::testing {

namespace {

std::vector<std::int16_t> SpeakPcm(const std::string& text) {
  asr::testing::TempDir dir;
  const asr::testing::Wav wav = asr::testing::Speak(text, dir.path() / "speech.wav");
  EXPECT_EQ(wav.sample_rate, kRate);
  return wav.samples;
}

}  // namespace

double Dbfs(std::span<const std::int16_t> pcm) {
  double sum = 0;
  for (const std::int16_t s : pcm) sum += static_cast<double>(s) * s;
  const double mean = pcm.empty() ? 0 : sum / pcm.size() / (32768.0 * 32768.0);
  return std::max(-100.0, 10 * std::log10(mean + 1e-12));
}

const SpeechTrack& TwoSentences() {
  static const SpeechTrack track = [] {
    SpeechTrack t;
    const auto one = SpeakPcm("The quick brown fox jumps over the lazy dog.");
    const auto two = SpeakPcm("Please send the invoice before Friday morning.");
    auto silence = [&](double seconds) { t.pcm.insert(t.pcm.end(), seconds * kRate, 0); };
    silence(0.5);
    t.pcm.insert(t.pcm.end(), one.begin(), one.end());
    silence(1.5);
    t.pcm.insert(t.pcm.end(), two.begin(), two.end());
    silence(1.0);
    std::uint32_t lcg = 12345;  // faint white noise, about -60 dBFS
    for (std::int16_t& s : t.pcm) {
      lcg = lcg * 1664525u + 1013904223u;
      s = static_cast<std::int16_t>(std::clamp<int>(s + static_cast<int>(lcg >> 24) / 4 - 32, -32768, 32767));
    }
    t.speech = EnergyRegions(t.pcm);
    return t;
  }();
  return track;
}

std::vector<Region> EnergyRegions(std::span<const std::int16_t> pcm) {
  const std::size_t frame = kRate / 100;
  std::vector<double> db;
  for (std::size_t i = 0; i + frame <= pcm.size(); i += frame) db.push_back(Dbfs(pcm.subspan(i, frame)));
  const double loudest = *std::max_element(db.begin(), db.end());
  std::vector<Region> regions;
  for (std::size_t i = 0; i < db.size(); ++i) {
    if (db[i] < loudest - 35) continue;
    const auto ms = static_cast<std::int64_t>(i * 10);
    if (!regions.empty() && ms - regions.back().end_ms < 400) {
      regions.back().end_ms = ms + 10;
    } else {
      regions.push_back({ms, ms + 10});
    }
  }
  std::erase_if(regions, [](const Region& r) { return r.end_ms - r.start_ms < 50; });
  return regions;
}

std::vector<std::vector<std::uint8_t>> EncodeOpus(std::span<const std::int16_t> pcm,
                                                  int channels) {
  int error = 0;
  OpusEncoder* enc = opus_encoder_create(kRate, channels, OPUS_APPLICATION_VOIP, &error);
  EXPECT_EQ(error, OPUS_OK);
  opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(10));
  std::vector<std::vector<std::uint8_t>> packets;
  std::vector<std::int16_t> in(static_cast<std::size_t>(kFrame * channels));
  std::vector<std::uint8_t> out(1500);
  for (std::size_t at = 0; at < pcm.size(); at += kFrame) {
    std::fill(in.begin(), in.end(), 0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(kFrame) && at + i < pcm.size(); ++i) {
      for (int c = 0; c < channels; ++c) in[i * channels + c] = pcm[at + i];
    }
    const int n = opus_encode(enc, in.data(), kFrame, out.data(), static_cast<opus_int32>(out.size()));
    EXPECT_GT(n, 0);
    packets.emplace_back(out.begin(), out.begin() + std::max(n, 0));
  }
  opus_encoder_destroy(enc);
  return packets;
}

std::vector<std::uint8_t> RtpDatagram(std::uint16_t seq, std::uint32_t timestamp,
                                      std::uint32_t ssrc, std::span<const std::uint8_t> payload,
                                      std::uint8_t payload_type, bool marker) {
  std::vector<std::uint8_t> d = {
      0x80, static_cast<std::uint8_t>(payload_type | (marker ? 0x80 : 0)),
      static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
      static_cast<std::uint8_t>(timestamp >> 24), static_cast<std::uint8_t>(timestamp >> 16),
      static_cast<std::uint8_t>(timestamp >> 8), static_cast<std::uint8_t>(timestamp),
      static_cast<std::uint8_t>(ssrc >> 24), static_cast<std::uint8_t>(ssrc >> 16),
      static_cast<std::uint8_t>(ssrc >> 8), static_cast<std::uint8_t>(ssrc)};
  d.insert(d.end(), payload.begin(), payload.end());
  return d;
}

std::vector<Datagram> Packetise(const std::vector<std::vector<std::uint8_t>>& frames,
                                std::uint16_t seq0, std::uint32_t ts0, std::uint32_t ssrc) {
  std::vector<Datagram> out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    out.push_back({i, static_cast<std::int64_t>(i) * 20,
                   RtpDatagram(static_cast<std::uint16_t>(seq0 + i),
                               ts0 + static_cast<std::uint32_t>(i) * kTicks, ssrc, frames[i])});
  }
  return out;
}

}  // namespace vitrina::live::testing
