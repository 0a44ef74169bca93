#pragma once
// Maps (method, path) to a value by pattern, with `{name}` path parameters:
//   router.Add(Verb::get, "/api/v1/listings/{id}", handler);
// Literal segments win over parameters. Built once at start-up, then read-only and
// safe to use from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "net/http.h"

namespace vitrina::net {

template <typename T>
class Router {
 public:
  struct Match {
    const T* value = nullptr;                     // null when nothing matched
    std::string pattern;                          // the matched pattern (for metrics)
    std::unordered_map<std::string, std::string> params;
    bool path_known = false;                      // the path exists for another method (405)
    std::vector<Verb> allowed;                    // methods the path supports (for Allow)
  };

  void Add(Verb method, std::string_view pattern, T value) {
    Node* node = &root_;
    for (auto segment : Split(pattern)) {
      if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
        if (!node->param) node->param = std::make_unique<Node>();
        node->param_name = std::string(segment.substr(1, segment.size() - 2));
        node = node->param.get();
      } else {
        auto& child = node->children[std::string(segment)];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
      }
    }
    node->pattern = std::string(pattern);
    node->values[method] = std::move(value);
  }

  Match Find(Verb method, std::string_view path) const {
    Match match;
    std::vector<std::string_view> segments = Split(path);
    const Node* node = Walk(&root_, segments, 0, match.params);
    if (node == nullptr || node->values.empty()) return match;
    match.path_known = true;
    match.pattern = node->pattern;
    for (const auto& [verb, value] : node->values) match.allowed.push_back(verb);
    auto it = node->values.find(method);
    if (it == node->values.end() && method == Verb::head) it = node->values.find(Verb::get);
    if (it != node->values.end()) match.value = &it->second;
    return match;
  }

 private:
  struct Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
    std::unique_ptr<Node> param;
    std::string param_name;
    std::string pattern;
    std::map<Verb, T> values;
  };

  static std::vector<std::string_view> Split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
      auto slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      if (slash > start) out.push_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    return out;
  }

  static const Node* Walk(const Node* node, const std::vector<std::string_view>& segments,
                          std::size_t i, std::unordered_map<std::string, std::string>& params) {
    if (i == segments.size()) return node;
    if (auto it = node->children.find(segments[i]); it != node->children.end()) {
      if (const Node* found = Walk(it->second.get(), segments, i + 1, params);
          found && !found->values.empty()) {
        return found;
      }
    }
    if (node->param) {
      if (const Node* found = Walk(node->param.get(), segments, i + 1, params);
          found && !found->values.empty()) {
        params[node->param_name] = std::string(segments[i]);
        return found;
      }
    }
    return nullptr;
  }

  Node root_;
};

}  // namespace vitrina::net
