#include "live/rtp_packet.h"

#include <cstddef>

namespace vitrina::live {

namespace {

constexpr std::size_t kFixedHeader = 12;

std::uint16_t Be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t Be32(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

}  // namespace

std::optional<RtpPacket> ParseRtp(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kFixedHeader) return std::nullopt;
  const std::uint8_t b0 = datagram[0];
  const std::uint8_t b1 = datagram[1];
  if ((b0 >> 6) != 2) return std::nullopt;
  if (b1 >= 192 && b1 <= 223) return std::nullopt;  // RTCP on the same port
  const bool padding = (b0 & 0x20) != 0;
  const bool extension = (b0 & 0x10) != 0;
  const std::size_t csrc_count = b0 & 0x0f;

  std::size_t header = kFixedHeader + 4 * csrc_count;
  if (header > datagram.size()) return std::nullopt;
  if (extension) {
    if (header + 4 > datagram.size()) return std::nullopt;
    const std::size_t words = Be16(datagram, header + 2);
    header += 4 + 4 * words;
    if (header > datagram.size()) return std::nullopt;
  }
  std::size_t end = datagram.size();
  if (padding) {
    const std::size_t pad = datagram[end - 1];
    if (pad == 0 || pad > end - header) return std::nullopt;
    end -= pad;
  }

  RtpPacket p;
  p.payload_type = b1 & 0x7f;
  p.marker = (b1 & 0x80) != 0;
  p.seq = Be16(datagram, 2);
  p.timestamp = Be32(datagram, 4);
  p.ssrc = Be32(datagram, 8);
  p.payload = datagram.subspan(header, end - header);
  return p;
}

}  // namespace vitrina::live
