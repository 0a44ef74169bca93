#pragma once
// RTP (RFC 3550) packet parsing for the live tap: Janus's rtp_forward sends each participant's
// Opus audio as plain RTP over UDP. A pure function over the datagram's bytes; safe from any
// thread.

#include <cstdint>
#include <optional>
#include <span>

namespace vitrina::live {

// A parsed RTP packet. `payload` points into the datagram given to ParseRtp (CSRCs, header
// extension and padding removed): valid only as long as those bytes are.
struct RtpPacket {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t seq = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::span<const std::uint8_t> payload;
};

// The RTP packet in `datagram`, or nullopt when it is not one: shorter than the 12-byte
// header, version other than 2, CSRC list / header extension / padding running past the end,
// padding count 0. RTCP sent to the same port (RFC 5761 multiplexing) is rejected too: a
// second byte in 192..223 (the RTCP packet types SR 200, RR 201, SDES 202, BYE 203, APP 204,
// feedback 205/206, XR 207 are in there; RTP payload types 64..95 with the marker bit set
// would collide and are not used for audio). An empty payload is accepted (the decoder
// conceals it). Never asserts: the bytes come from the network.
[[nodiscard]] std::optional<RtpPacket> ParseRtp(std::span<const std::uint8_t> datagram);

}  // namespace vitrina::live
