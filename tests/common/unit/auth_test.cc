#include "common/server/auth.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/sha256.h"
#include "common/server/scopes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Owns the strings a metadata multimap of views points into.
class Metadata {
 public:
  Metadata& Add(std::string key, std::string value) {
    entries_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  std::multimap<grpc::string_ref, grpc::string_ref> map() const {
    std::multimap<grpc::string_ref, grpc::string_ref> result;
    for (const auto& [key, value] : entries_) result.emplace(key, value);
    return result;
  }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

std::multimap<grpc::string_ref, grpc::string_ref> Bearer(Metadata& holder, std::string token) {
  return holder.Add("authorization", "Bearer " + std::move(token)).map();
}

const std::string kTokens = absl::StrCat(
    "# team tokens\n", "\n", Sha256Hex("sales-secret"), " sales customers.read,customers.write\n",
    "   ", Sha256Hex("buyer-secret"), "\tprocurement  suppliers.read  \n", "# trailing comment\n");

TEST(TokenAuthenticatorTest, ParsesTokensIgnoringCommentsAndBlankLines) {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(kTokens, "tokens");
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(auth->token_count(), 2);

  Metadata holder;
  absl::StatusOr<Caller> sales = auth->Authenticate(Bearer(holder, "sales-secret"));
  ASSERT_TRUE(sales.ok()) << sales.status();
  EXPECT_EQ(sales->team, "sales");
  EXPECT_THAT(sales->scopes, UnorderedElementsAre("customers.read", "customers.write"));

  Metadata other;
  absl::StatusOr<Caller> buyer = auth->Authenticate(Bearer(other, "buyer-secret"));
  ASSERT_TRUE(buyer.ok()) << buyer.status();
  EXPECT_EQ(buyer->team, "procurement");
  EXPECT_THAT(buyer->scopes, UnorderedElementsAre("suppliers.read"));
}

TEST(TokenAuthenticatorTest, AcceptsUppercaseHashes) {
  std::string upper = Sha256Hex("t");
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  absl::StatusOr<TokenAuthenticator> auth =
      TokenAuthenticator::Parse(upper + " ops workflows.run\n", "tokens");
  ASSERT_TRUE(auth.ok()) << auth.status();
  Metadata holder;
  EXPECT_TRUE(auth->Authenticate(Bearer(holder, "t")).ok());
}

struct MalformedCase {
  std::string content;
  std::string expected_fragment;
};

TEST(TokenAuthenticatorTest, MalformedLinesAreRejectedNamingTheLine) {
  const std::string hash = Sha256Hex("x");
  const std::vector<MalformedCase> cases = {
      {"# header\n" + hash + " sales\n", "tokens line 2: expected"},
      {hash + " sales customers.read extra\n", "tokens line 1: expected"},
      {"\n\nnot-a-hash sales customers.read\n",
       "tokens line 3: the token hash must be 64 hex digits"},
      {hash.substr(1) + "g sales customers.read\n", "tokens line 1: the token hash"},
      {hash + " sales customers.read,customer.write\n",
       "tokens line 1: unknown scope \"customer.write\""},
      {hash + " sales customers.read,\n", "tokens line 1: unknown scope \"\""},
      {hash + " a customers.read\n" + hash + " b customers.read\n",
       "tokens line 2: duplicate token hash"},
  };
  for (const MalformedCase& c : cases) {
    absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(c.content, "tokens");
    ASSERT_FALSE(auth.ok()) << c.content;
    EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument) << c.content;
    EXPECT_THAT(std::string(auth.status().message()), HasSubstr(c.expected_fragment)) << c.content;
  }
}

TEST(TokenAuthenticatorTest, LoadsFromAFile) {
  std::string path = absl::StrCat(::testing::TempDir(), "/auth_test_tokens_", getpid());
  {
    std::ofstream file(path);
    file << kTokens;
  }
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::LoadFromFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(auth->token_count(), 2);
}

TEST(TokenAuthenticatorTest, MalformedFileErrorNamesPathAndLine) {
  std::string path = absl::StrCat(::testing::TempDir(), "/auth_test_bad_", getpid());
  {
    std::ofstream file(path);
    file << "# ok\n" << Sha256Hex("x") << " team nonsense.scope\n";
  }
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::LoadFromFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr(path + " line 2"));
}

TEST(TokenAuthenticatorTest, MissingFileIsNotFoundNamingThePath) {
  absl::StatusOr<TokenAuthenticator> auth =
      TokenAuthenticator::LoadFromFile("/nonexistent/crm/tokens.txt");
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(auth.status().message()), HasSubstr("/nonexistent/crm/tokens.txt"));
}

TEST(TokenAuthenticatorTest, MissingOrNonBearerAuthorizationIsUnauthenticated) {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(kTokens, "tokens");
  ASSERT_TRUE(auth.ok());
  std::vector<Metadata> cases(4);
  cases[0].Add("x-request-id", "abc");
  cases[1].Add("authorization", "Basic c2FsZXM6c2VjcmV0");
  cases[2].Add("authorization", "Bearer ");
  cases[3].Add("authorization", "sales-secret");
  for (const Metadata& metadata : cases) {
    absl::StatusOr<Caller> caller = auth->Authenticate(metadata.map());
    ASSERT_FALSE(caller.ok());
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(caller.status().message(), "missing bearer token in the authorization metadata");
  }
}

TEST(TokenAuthenticatorTest, UnknownTokenIsUnauthenticatedWithoutEchoingIt) {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(kTokens, "tokens");
  ASSERT_TRUE(auth.ok());
  Metadata holder;
  absl::StatusOr<Caller> caller = auth->Authenticate(Bearer(holder, "guessed-secret-123"));
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(caller.status().message(), "unknown bearer token");
  EXPECT_THAT(caller.status().ToString(), Not(HasSubstr("guessed-secret-123")));
}

TEST(TokenAuthenticatorTest, TheHashItselfIsNotAToken) {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(kTokens, "tokens");
  ASSERT_TRUE(auth.ok());
  Metadata holder;
  EXPECT_FALSE(auth->Authenticate(Bearer(holder, Sha256Hex("sales-secret"))).ok());
}

TEST(TokenAuthenticatorTest, BearerSchemeIsCaseInsensitive) {
  absl::StatusOr<TokenAuthenticator> auth = TokenAuthenticator::Parse(kTokens, "tokens");
  ASSERT_TRUE(auth.ok());
  Metadata holder;
  holder.Add("authorization", "bearer sales-secret");
  EXPECT_TRUE(auth->Authenticate(holder.map()).ok());
}

TEST(AuthorizeTest, AllowsHeldScopesAndDeniesOthersNamingTeamAndScope) {
  Caller caller{.team = "sales", .scopes = {"customers.read"}};
  EXPECT_TRUE(caller.HasScope(kCustomersRead));
  EXPECT_FALSE(caller.HasScope(kCustomersWrite));
  EXPECT_TRUE(Authorize(caller, kCustomersRead).ok());
  absl::Status denied = Authorize(caller, kCustomersWrite);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(), "team sales lacks scope customers.write");
}

TEST(ScopesTest, AllScopesListsEveryScopeOnce) {
  EXPECT_THAT(
      kAllScopes,
      UnorderedElementsAre("customers.read", "customers.write", "suppliers.read", "suppliers.write",
                           "partners.read", "partners.write", "workflows.read", "workflows.run"));
}

}  // namespace
}  // namespace crm::common
