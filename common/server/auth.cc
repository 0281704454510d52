#include "common/server/auth.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/sha256.h"
#include "common/server/scopes.h"

namespace crm::common {
namespace {

constexpr std::string_view kAuthorizationKey = "authorization";
constexpr std::string_view kBearerPrefix = "bearer ";

// Debian's Abseil has its own string_view type, distinct from std's.
absl::string_view AbslView(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

bool IsKnownScope(absl::string_view scope) {
  return std::find(kAllScopes.begin(), kAllScopes.end(),
                   std::string_view(scope.data(), scope.size())) != kAllScopes.end();
}

bool IsSha256Hex(absl::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

// Parses one non-comment line; the error text is completed by the caller.
absl::StatusOr<std::pair<std::string, Caller>> ParseTokenLine(absl::string_view line) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected \"<sha256 hex> <team> <scope>[,<scope>...]\", found ", fields.size(),
                     " field(s)"));
  }
  if (!IsSha256Hex(fields[0])) {
    return absl::InvalidArgumentError(
        "the token hash must be 64 hex digits (SHA-256 of the token)");
  }
  Caller caller;
  caller.team = std::string(fields[1]);
  for (absl::string_view scope : absl::StrSplit(fields[2], ',')) {
    if (!IsKnownScope(scope)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown scope \"", scope, "\""));
    }
    caller.scopes.insert(std::string(scope));
  }
  return std::make_pair(absl::AsciiStrToLower(fields[0]), std::move(caller));
}

}  // namespace

bool Caller::HasScope(std::string_view scope) const { return scopes.contains(AbslView(scope)); }

absl::StatusOr<TokenAuthenticator> TokenAuthenticator::LoadFromFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read the auth tokens file ", path));
  }
  std::stringstream content;
  content << file.rdbuf();
  return Parse(content.str(), path);
}

absl::StatusOr<TokenAuthenticator> TokenAuthenticator::Parse(std::string_view content,
                                                             std::string_view source) {
  TokenAuthenticator authenticator;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(content), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    absl::StatusOr<std::pair<std::string, Caller>> entry = ParseTokenLine(line);
    if (!entry.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(source), " line ", line_number, ": ", entry.status().message()));
    }
    if (!authenticator.callers_by_hash_.insert(*std::move(entry)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(source), " line ", line_number, ": duplicate token hash"));
    }
  }
  return authenticator;
}

absl::StatusOr<Caller> TokenAuthenticator::Authenticate(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) const {
  auto it =
      client_metadata.find(grpc::string_ref(kAuthorizationKey.data(), kAuthorizationKey.size()));
  absl::string_view value;
  if (it != client_metadata.end()) {
    value = absl::string_view(it->second.data(), it->second.size());
  }
  absl::string_view token;
  if (absl::StartsWithIgnoreCase(value, AbslView(kBearerPrefix))) {
    token = absl::StripAsciiWhitespace(value.substr(kBearerPrefix.size()));
  }
  if (token.empty()) {
    return absl::UnauthenticatedError("missing bearer token in the authorization metadata");
  }
  auto caller = callers_by_hash_.find(Sha256Hex(std::string_view(token.data(), token.size())));
  if (caller == callers_by_hash_.end()) {
    return absl::UnauthenticatedError("unknown bearer token");
  }
  return caller->second;
}

absl::Status Authorize(const Caller& caller, std::string_view scope) {
  if (caller.HasScope(scope)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("team ", caller.team, " lacks scope ", AbslView(scope)));
}

}  // namespace crm::common
