#include "live/rtp_packet.h"

#include <gtest/gtest.h>

#include <vector>

#include "live/tests/rtp_test_stream.h"

namespace vitrina::live {
namespace {

using testing::RtpDatagram;

const std::vector<std::uint8_t> kPayload = {0xde, 0xad, 0xbe, 0xef};

std::optional<RtpPacket> Parse(const std::vector<std::uint8_t>& d) { return ParseRtp(d); }

TEST(RtpPacketTest, ParsesTheFixedHeader) {
  const auto d = RtpDatagram(0xfffe, 0x89abcdef, 0x01020304, kPayload, 111, true);
  const auto p = Parse(d);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload_type, 111);
  EXPECT_TRUE(p->marker);
  EXPECT_EQ(p->seq, 0xfffe);
  EXPECT_EQ(p->timestamp, 0x89abcdefu);
  EXPECT_EQ(p->ssrc, 0x01020304u);
  EXPECT_EQ(std::vector<std::uint8_t>(p->payload.begin(), p->payload.end()), kPayload);
}

TEST(RtpPacketTest, SkipsCsrcsExtensionAndPadding) {
  auto d = RtpDatagram(7, 960, 42, {}, 111);
  d[0] = 0x80 | 0x20 | 0x10 | 2;  // padding, extension, 2 CSRCs
  d.insert(d.end(), {0, 0, 0, 1, 0, 0, 0, 2});      // CSRCs
  d.insert(d.end(), {0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0});  // one-byte extension, 1 word
  d.insert(d.end(), kPayload.begin(), kPayload.end());
  d.insert(d.end(), {0, 0, 3});  // 3 bytes of padding
  const auto p = Parse(d);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->seq, 7);
  EXPECT_EQ(std::vector<std::uint8_t>(p->payload.begin(), p->payload.end()), kPayload);
}

TEST(RtpPacketTest, AcceptsAnEmptyPayload) {
  const auto p = Parse(RtpDatagram(1, 2, 3, {}));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->payload.empty());
}

TEST(RtpPacketTest, RejectsMalformedPackets) {
  const auto good = RtpDatagram(1, 2, 3, kPayload);
  ASSERT_TRUE(Parse(good));
  EXPECT_FALSE(Parse({}));
  EXPECT_FALSE(Parse(std::vector<std::uint8_t>(good.begin(), good.begin() + 11)));  // short
  auto v1 = good;
  v1[0] = 0x40;  // version 1
  EXPECT_FALSE(Parse(v1));
  auto v0 = good;
  v0[0] = 0x00;
  EXPECT_FALSE(Parse(v0));
  auto csrcs = good;
  csrcs[0] = 0x82;  // 2 CSRCs = 8 bytes, only 4 there
  EXPECT_FALSE(Parse(csrcs));
  auto ext = good;
  ext[0] = 0x90;  // extension header of 4 bytes: there, but says 1 more word
  ext.erase(ext.begin() + 12, ext.end());
  ext.insert(ext.end(), {0xbe, 0xde, 0, 1});
  EXPECT_FALSE(Parse(ext));
  auto ext_short = good;
  ext_short[0] = 0x90;
  ext_short.resize(14);  // not even the extension header
  EXPECT_FALSE(Parse(ext_short));
  auto pad0 = good;
  pad0[0] = 0xa0;
  pad0.back() = 0;  // padding count 0
  EXPECT_FALSE(Parse(pad0));
  auto pad_long = good;
  pad_long[0] = 0xa0;
  pad_long.back() = 5;  // more padding than payload
  EXPECT_FALSE(Parse(pad_long));
  auto pad_all = good;
  pad_all[0] = 0xa0;
  pad_all.back() = 4;  // the whole payload is padding: fine, empty
  ASSERT_TRUE(Parse(pad_all));
  EXPECT_TRUE(Parse(pad_all)->payload.empty());
}

TEST(RtpPacketTest, RejectsRtcpOnTheSamePort) {
  for (int type = 200; type <= 204; ++type) {
    // An RTCP header: V=2, count, packet type, length in words - 1; then SSRC and a body.
    std::vector<std::uint8_t> rtcp = {0x81, static_cast<std::uint8_t>(type), 0, 6,
                                      0,    0,    0, 42};
    rtcp.resize(28, 0);
    EXPECT_FALSE(Parse(rtcp)) << type;
  }
  // Opus with the marker bit (111 | 0x80 = 239) is outside RTCP's range and kept.
  EXPECT_TRUE(Parse(RtpDatagram(1, 2, 3, kPayload, 111, true)));
  EXPECT_TRUE(Parse(RtpDatagram(1, 2, 3, kPayload, 0, true)));  // PT 0 + marker = 128
}

}  // namespace
}  // namespace vitrina::live
