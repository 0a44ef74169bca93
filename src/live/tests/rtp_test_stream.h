#pragma once
// Test streams made at test time: flite speech, encoded with libopus into 20 ms frames and
// wrapped in RTP headers as Janus's rtp_forward sends them. Nothing is committed.

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace vitrina::live::testing {

constexpr int kRate = 16'000;
constexpr int kFrame = kRate / 50;  // 20 ms at 16 kHz
constexpr std::uint32_t kTicks = 960;  // 20 ms at the 48 kHz RTP clock

struct Region {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

// "0.5 s of faint noise, sentence one, 1.5 s pause, sentence two, 1 s": 16 kHz mono with
// noise at about -60 dBFS throughout, and where the speech really is (from its energy).
struct SpeechTrack {
  std::vector<std::int16_t> pcm;
  std::vector<Region> speech;
};
const SpeechTrack& TwoSentences();

// 10 ms frames whose energy is within 35 dB of the loudest, pauses under 400 ms bridged.
std::vector<Region> EnergyRegions(std::span<const std::int16_t> pcm);
double Dbfs(std::span<const std::int16_t> pcm);

// 20 ms Opus packets (libopus at 16 kHz input; with in-band FEC as WebRTC sends it).
std::vector<std::vector<std::uint8_t>> EncodeOpus(std::span<const std::int16_t> pcm,
                                                  int channels = 1);

std::vector<std::uint8_t> RtpDatagram(std::uint16_t seq, std::uint32_t timestamp,
                                      std::uint32_t ssrc, std::span<const std::uint8_t> payload,
                                      std::uint8_t payload_type = 111, bool marker = false);

// Packet i of the frames, sent at 20*i ms: seq = seq0 + i, timestamp = ts0 + 960 i.
struct Datagram {
  std::size_t index = 0;
  std::int64_t arrival_ms = 0;
  std::vector<std::uint8_t> bytes;
};
std::vector<Datagram> Packetise(const std::vector<std::vector<std::uint8_t>>& frames,
                                std::uint16_t seq0, std::uint32_t ts0, std::uint32_t ssrc);

}  // namespace vitrina::live::testing
