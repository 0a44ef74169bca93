#include "transcripts/webvtt.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace vitrina::transcripts {

namespace {

// Cue text must not contain "-->" or unescaped markup characters.
std::string EscapeCueText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += ch;
    }
  }
  return out;
}

std::string VoiceName(const std::string& speaker) {
  if (speaker == "buyer") return "Buyer";
  if (speaker == "seller") return "Seller";
  return "Speaker";
}

struct Cue {
  std::int64_t start_ms;
  std::int64_t end_ms;
  std::string speaker;
  std::string text;
};

void AppendCues(const store::TranscriptSegment& seg, const VttOptions& options, std::vector<Cue>& out) {
  if (seg.words.empty()) {
    out.push_back({seg.start_ms, std::max(seg.end_ms, seg.start_ms + 1), seg.speaker, seg.text});
    return;
  }
  std::size_t first = 0;
  while (first < seg.words.size()) {
    std::size_t last = first;
    std::string text = seg.words[first].w;
    while (last + 1 < seg.words.size() &&
           static_cast<int>(last + 1 - first) < options.max_cue_words &&
           seg.words[last + 1].end_ms - seg.words[first].start_ms <= options.max_cue_ms) {
      ++last;
      text += ' ';
      text += seg.words[last].w;
    }
    const auto start = seg.words[first].start_ms;
    out.push_back({start, std::max(seg.words[last].end_ms, start + 1), seg.speaker, std::move(text)});
    first = last + 1;
  }
}

}  // namespace

std::string VttTimestamp(std::int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string ToWebVtt(const store::Transcript& transcript, const VttOptions& options) {
  std::vector<Cue> cues;
  for (const auto& seg : transcript.segments) AppendCues(seg, options, cues);
  std::stable_sort(cues.begin(), cues.end(),
                   [](const Cue& a, const Cue& b) { return a.start_ms < b.start_ms; });
  std::string out = "WEBVTT\n";
  int n = 0;
  for (const auto& cue : cues) {
    out += '\n';
    out += std::to_string(++n);
    out += '\n';
    out += VttTimestamp(cue.start_ms) + " --> " + VttTimestamp(cue.end_ms) + '\n';
    out += "<v " + VoiceName(cue.speaker) + ">" + EscapeCueText(cue.text) + "</v>\n";
  }
  return out;
}

}  // namespace vitrina::transcripts
