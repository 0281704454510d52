#include "common/api/filter_parser.h"

#include <cctype>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/api/quote.h"

namespace crm::common {
namespace {

constexpr size_t kMaxFilterLength = 2000;

bool IsFieldChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

bool IsBareValueChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/' || c == '@' || c == '+' || c == '*';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<FilterTerm>> Parse() {
    std::vector<FilterTerm> terms;
    SkipSpaces();
    if (AtEnd()) return terms;
    while (true) {
      absl::StatusOr<FilterTerm> term = ParseTerm();
      if (!term.ok()) return term.status();
      terms.push_back(*std::move(term));
      SkipSpaces();
      if (AtEnd()) return terms;
      std::string_view word = PeekWord();
      if (word == "AND") {
        pos_ += word.size();
        SkipSpaces();
        if (AtEnd()) return Error("expected a condition after AND");
        continue;
      }
      if (word == "OR") return Error("OR is not supported; combine conditions with AND");
      return Error(absl::StrFormat("expected AND, found %s", common::QuoteValue(Rest())));
    }
  }

 private:
  absl::StatusOr<FilterTerm> ParseTerm() {
    if (text_[pos_] == '(' || text_[pos_] == ')') {
      return Error("parentheses are not supported; combine conditions with AND");
    }
    if (text_[pos_] == '-' || PeekWord() == "NOT") {
      return Error("negation is not supported; use != instead");
    }
    const size_t field_start = pos_;
    while (!AtEnd() && IsFieldChar(text_[pos_])) ++pos_;
    if (pos_ == field_start) {
      return Error(absl::StrFormat("expected a field name, found %s", common::QuoteValue(Rest())));
    }
    FilterTerm term;
    term.field = std::string(text_.substr(field_start, pos_ - field_start));
    SkipSpaces();
    absl::StatusOr<FilterOperator> op = ParseOperator(term.field);
    if (!op.ok()) return op.status();
    term.op = *op;
    SkipSpaces();
    absl::StatusOr<std::string> value = ParseValue(term.field);
    if (!value.ok()) return value.status();
    term.value = *std::move(value);
    return term;
  }

  absl::StatusOr<FilterOperator> ParseOperator(std::string_view field) {
    static constexpr std::pair<std::string_view, FilterOperator> kOperators[] = {
        {"!=", FilterOperator::kNotEqual}, {"<=", FilterOperator::kLessOrEqual},
        {">=", FilterOperator::kGreaterOrEqual}, {"=", FilterOperator::kEqual},
        {"<", FilterOperator::kLess}, {">", FilterOperator::kGreater},
        {":", FilterOperator::kHas},
    };
    for (const auto& [text, op] : kOperators) {
      if (text_.substr(pos_, text.size()) == text) {
        pos_ += text.size();
        return op;
      }
    }
    return Error(absl::StrFormat("expected an operator (= != < <= > >= :) after %s, found %s",
                                 common::QuoteValue(field), common::QuoteValue(Rest())));
  }

  absl::StatusOr<std::string> ParseValue(std::string_view field) {
    if (AtEnd()) return Error(absl::StrFormat("missing value for %s", common::QuoteValue(field)));
    if (text_[pos_] == '"') return ParseQuoted();
    const size_t start = pos_;
    while (!AtEnd() && IsBareValueChar(text_[pos_])) ++pos_;
    if (pos_ == start) {
      return Error(absl::StrFormat("expected a value for %s, found %s (quote text values)",
                                   common::QuoteValue(field), common::QuoteValue(Rest())));
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  absl::StatusOr<std::string> ParseQuoted() {
    ++pos_;  // opening quote
    std::string value;
    while (!AtEnd()) {
      const char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (AtEnd()) break;
        const char escaped = text_[pos_++];
        if (escaped != '"' && escaped != '\\') {
          return Error("only \\\" and \\\\ may be escaped in a quoted value");
        }
        value.push_back(escaped);
        continue;
      }
      value.push_back(c);
    }
    return Error("unterminated quoted value");
  }

  std::string_view PeekWord() const {
    size_t end = pos_;
    while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
    return text_.substr(pos_, end - pos_);
  }

  void SkipSpaces() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  std::string_view Rest() const { return text_.substr(pos_); }

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrFormat("filter: %s (at character %d)", what, pos_ + 1));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(std::string_view filter) {
  if (filter.size() > kMaxFilterLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("filter: must be at most %d characters", kMaxFilterLength));
  }
  return Parser(filter).Parse();
}

std::string_view FilterOperatorText(FilterOperator op) {
  switch (op) {
    case FilterOperator::kEqual: return "=";
    case FilterOperator::kNotEqual: return "!=";
    case FilterOperator::kLess: return "<";
    case FilterOperator::kLessOrEqual: return "<=";
    case FilterOperator::kGreater: return ">";
    case FilterOperator::kGreaterOrEqual: return ">=";
    case FilterOperator::kHas: return ":";
  }
  return "?";
}

}  // namespace crm::common
