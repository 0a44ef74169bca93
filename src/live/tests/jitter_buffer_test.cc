#include "live/jitter_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace vitrina::live {
namespace {

constexpr std::uint32_t kTicks = 960;

// Packet `seq` with timestamp ts0 + 960 (seq - seq0) wrapping like the real thing; its payload
// is its seq, so a frame shows which packet it came from.
void Push(JitterBuffer& jb, std::uint16_t seq, std::int64_t arrival_ms, std::uint16_t seq0 = 0,
          std::uint32_t ts0 = 0, std::uint32_t ssrc = 1) {
  const std::uint8_t payload[2] = {static_cast<std::uint8_t>(seq >> 8),
                                   static_cast<std::uint8_t>(seq)};
  const std::uint32_t ts = ts0 + static_cast<std::uint16_t>(seq - seq0) * kTicks;
  jb.Push(RtpPacket{111, false, seq, ts, ssrc, payload}, arrival_ms);
}

std::uint16_t PayloadSeq(const JitterFrame& f) {
  EXPECT_EQ(f.payload.size(), 2u);
  return f.payload.size() == 2 ? static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]) : 0;
}

// "5" for a frame of packet 5, "x6" for seq 6 lost.
std::string Describe(const std::vector<JitterFrame>& frames) {
  std::string s;
  for (const JitterFrame& f : frames) {
    if (!s.empty()) s += ' ';
    s += f.lost ? "x" + std::to_string(f.seq) : std::to_string(PayloadSeq(f));
    if (!f.lost) {
      EXPECT_EQ(PayloadSeq(f), f.seq);
    }
  }
  return s;
}

TEST(JitterBufferTest, ReleasesInOrderPacketsAtOnce) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  EXPECT_EQ(Describe(jb.Pop(59)), "");  // the first waits for packets it may have overtaken
  EXPECT_EQ(Describe(jb.Pop(60)), "0");
  Push(jb, 1, 70);
  Push(jb, 2, 80);
  const auto frames = jb.Pop(80);
  EXPECT_EQ(Describe(frames), "1 2");
  EXPECT_EQ(frames[0].stream_ts, kTicks);
  EXPECT_EQ(frames[1].stream_ts, 2 * kTicks);
  EXPECT_EQ(jb.counters().received, 3u);
  EXPECT_EQ(jb.counters().lost, 0u);
}

TEST(JitterBufferTest, ReordersWithinTheHoldTime) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  EXPECT_EQ(Describe(jb.Pop(60)), "0");
  Push(jb, 2, 100);
  EXPECT_EQ(Describe(jb.Pop(100)), "");  // 2 waits for 1
  Push(jb, 3, 120);
  Push(jb, 1, 130);
  EXPECT_EQ(Describe(jb.Pop(130)), "1 2 3");
  EXPECT_EQ(jb.counters().lost, 0u);
  EXPECT_EQ(jb.counters().late, 0u);
}

TEST(JitterBufferTest, GivesUpAGapAfterTheHoldTimeAndDropsItsLatePacket) {
  JitterBuffer jb(JitterBufferOptions{.hold_ms = 60});
  Push(jb, 10, 0);
  Push(jb, 13, 60);  // 11 and 12 missing
  EXPECT_EQ(Describe(jb.Pop(60)), "10");
  EXPECT_EQ(Describe(jb.Pop(119)), "");
  const auto frames = jb.Pop(120);
  EXPECT_EQ(Describe(frames), "x11 x12 13");
  EXPECT_EQ(frames[0].stream_ts, kTicks);  // interpolated between 10 and 13
  EXPECT_EQ(frames[1].stream_ts, 2 * kTicks);
  EXPECT_EQ(frames[2].stream_ts, 3 * kTicks);
  EXPECT_EQ(jb.counters().lost, 2u);
  Push(jb, 12, 130);  // too late: its place went out as lost
  Push(jb, 14, 140);
  EXPECT_EQ(Describe(jb.Pop(140)), "14");
  EXPECT_EQ(jb.counters().late, 1u);
  EXPECT_EQ(jb.counters().duplicates, 0u);
}

TEST(JitterBufferTest, CountsDuplicatesBufferedAndAlreadyPopped) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  Push(jb, 2, 40);
  Push(jb, 2, 41);  // still buffered
  EXPECT_EQ(Describe(jb.Pop(60)), "0");
  Push(jb, 0, 42);  // already popped
  Push(jb, 1, 43);
  EXPECT_EQ(Describe(jb.Pop(43)), "1 2");
  Push(jb, 1, 44);
  EXPECT_EQ(Describe(jb.Pop(44)), "");
  EXPECT_EQ(jb.counters().duplicates, 3u);
  EXPECT_EQ(jb.counters().late, 0u);
  EXPECT_EQ(jb.counters().received, 6u);
}

TEST(JitterBufferTest, SequenceAndTimestampWrapAround) {
  JitterBuffer jb;
  const std::uint16_t seq0 = 65'530;
  const std::uint32_t ts0 = 0xffffffffu - 3 * kTicks;
  std::vector<JitterFrame> all;
  for (int i = 0; i < 12; ++i) {
    // Pairs swapped: 1 0 3 2 ... across the wrap.
    const int j = i ^ 1;
    Push(jb, static_cast<std::uint16_t>(seq0 + j), i * 20, seq0, ts0);
    for (auto& f : jb.Pop(i * 20)) all.push_back(std::move(f));
  }
  for (auto& f : jb.Pop(1000)) all.push_back(std::move(f));
  ASSERT_EQ(all.size(), 12u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_FALSE(all[i].lost);
    EXPECT_EQ(all[i].seq, static_cast<std::uint16_t>(seq0 + i));
    EXPECT_EQ(all[i].stream_ts, static_cast<std::int64_t>(i) * kTicks) << i;
  }
  EXPECT_EQ(jb.counters().lost + jb.counters().late + jb.counters().resets, 0u);
}

TEST(JitterBufferTest, FollowsASenderRestartOnTheTimeline) {
  JitterBuffer jb;
  for (int i = 0; i < 5; ++i) Push(jb, static_cast<std::uint16_t>(100 + i), i * 20, 100, 5000);
  EXPECT_EQ(Describe(jb.Pop(80)), "100 101 102 103 104");
  // Janus restarted: 1 s later the stream comes back with new bases.
  const std::int64_t back = 80 + 1000;
  Push(jb, 40'000, back, 40'000, 123'456'789);
  EXPECT_EQ(Describe(jb.Pop(back)), "");  // one far packet alone could be a stray
  Push(jb, 40'001, back + 20, 40'000, 123'456'789);
  EXPECT_EQ(Describe(jb.Pop(back + 20)), "");  // a new stream's first packet waits hold_ms
  const auto frames = jb.Pop(back + 60);
  EXPECT_EQ(Describe(frames), "40000 40001");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].restart);
  EXPECT_FALSE(frames[1].restart);
  // The old stream ended at 5 frames = 100 ms; 1000 ms later minus the last frame's 20 ms.
  EXPECT_EQ(frames[0].stream_ts, (100 + 980) * 48);
  EXPECT_EQ(frames[1].stream_ts, (100 + 980) * 48 + kTicks);
  EXPECT_EQ(jb.counters().resets, 1u);
  EXPECT_EQ(jb.counters().lost + jb.counters().late + jb.counters().strays, 0u);
  // The new stream goes on normally.
  Push(jb, 40'002, back + 80, 40'000, 123'456'789);
  EXPECT_EQ(Describe(jb.Pop(back + 80)), "40002");
}

TEST(JitterBufferTest, RestartFlushesWhatTheOldStreamHadBuffered) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  EXPECT_EQ(Describe(jb.Pop(60)), "0");
  Push(jb, 2, 40);  // waiting for 1
  Push(jb, 9'000, 50, 9'000, 77'000'000);
  Push(jb, 9'001, 70, 9'000, 77'000'000);
  EXPECT_EQ(Describe(jb.Pop(70)), "x1 2");  // the old stream's rest, at once
  EXPECT_EQ(Describe(jb.Pop(110)), "9000 9001");
  EXPECT_EQ(jb.counters().resets, 1u);
  EXPECT_EQ(jb.counters().lost, 1u);
}

TEST(JitterBufferTest, AChangeOfSsrcIsARestart) {
  JitterBuffer jb;
  Push(jb, 0, 0, 0, 0, 1);
  Push(jb, 1, 20, 0, 0, 2);
  Push(jb, 2, 40, 0, 0, 2);
  EXPECT_EQ(Describe(jb.Pop(80)), "0 1 2");
  EXPECT_EQ(jb.counters().resets, 1u);
}

TEST(JitterBufferTest, IgnoresLoneStrays) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  Push(jb, 30'000, 10, 30'000, 999'999'999);  // a stray
  Push(jb, 1, 20);
  Push(jb, 20'000, 30, 20'000, 5);  // another, not continuing the first
  Push(jb, 2, 40);
  EXPECT_EQ(Describe(jb.Pop(60)), "0 1 2");
  EXPECT_EQ(jb.counters().resets, 0u);
  EXPECT_EQ(jb.counters().strays, 1u);  // the first one, replaced by the second (pending)
}

TEST(JitterBufferTest, APacketOvertakenByTheFirstStillCounts) {
  JitterBuffer jb;
  Push(jb, 6, 0, 5, 0);
  Push(jb, 5, 5, 5, 0);
  EXPECT_EQ(Describe(jb.Pop(64)), "");
  const auto frames = jb.Pop(65);
  ASSERT_EQ(Describe(frames), "5 6");
  EXPECT_EQ(frames[0].stream_ts, 0);  // the timeline starts at the first in sequence order
  EXPECT_EQ(frames[1].stream_ts, kTicks);
  EXPECT_EQ(jb.counters().late, 0u);
}

TEST(JitterBufferTest, ATimestampJumpWithinTheSequenceIsDtxNotARestart) {
  JitterBuffer jb;
  Push(jb, 0, 0);
  // Opus DTX: 400 ms without packets, seq goes on by one.
  const std::uint8_t payload[2] = {0, 1};
  jb.Push(RtpPacket{111, false, 1, 21 * kTicks, 1, payload}, 420);
  const auto frames = jb.Pop(420);
  ASSERT_EQ(Describe(frames), "0 1");
  EXPECT_EQ(frames[1].stream_ts, 21 * kTicks);
  EXPECT_EQ(jb.counters().resets + jb.counters().lost, 0u);
}

}  // namespace
}  // namespace vitrina::live
