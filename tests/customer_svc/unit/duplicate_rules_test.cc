// Duplicate rule normalizers, edit distance, rule validation and merge
// planning (pure domain code, no database).
#include "customer_svc/domain/duplicate_rules.h"

#include <string>
#include <vector>

#include "customer_svc/domain/customer_merge.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::HasSubstr;

struct NormalizerCase {
  v1::Normalizer normalizer;
  std::string input;
  std::string expected;
};

TEST(DuplicateRulesTest, NormalizersProduceTheDocumentedKeys) {
  const std::vector<NormalizerCase> cases = {
      {v1::NORMALIZER_UNSPECIFIED, " Acme ", " Acme "},
      {v1::NORMALIZER_NONE, "ACME", "ACME"},
      {v1::NORMALIZER_LOWERCASE, "  ACME Ünïcode ΣΑΣ Привет\t", "acme ünïcode σασ привет"},
      {v1::NORMALIZER_ALPHANUMERIC, "A.C.M.E. – 42!", "acme–42"},
      {v1::NORMALIZER_EMAIL, " John.Doe+Newsletter@Example.COM ", "john.doe@example.com"},
      {v1::NORMALIZER_EMAIL, "no-at-sign", "no-at-sign"},
      {v1::NORMALIZER_PHONE, "+1 (415) 555-0123", "14155550123"},
      {v1::NORMALIZER_WEB_DOMAIN, "HTTPS://www.Example.com:8443/path?q=1#top", "example.com"},
      {v1::NORMALIZER_WEB_DOMAIN, "sales@Mail.Example.org", "mail.example.org"},
      {v1::NORMALIZER_WEB_DOMAIN, "example.com.", "example.com"},
      {v1::NORMALIZER_COMPANY_NAME, "ACME GmbH & Co. KG", "acme"},
      {v1::NORMALIZER_COMPANY_NAME, "Acme, Inc.", "acme"},
      {v1::NORMALIZER_COMPANY_NAME, "S.A. Holding S.A.", "sa holding"},
      {v1::NORMALIZER_COMPANY_NAME, "Inc", "inc"},  // the last word stays
      {v1::NORMALIZER_COMPANY_NAME, "Müller  Bau   Ltd", "müller bau"},
  };
  for (const NormalizerCase& c : cases) {
    EXPECT_EQ(NormalizeValue(c.normalizer, c.input), c.expected)
        << v1::Normalizer_Name(c.normalizer) << " of \"" << c.input << "\"";
  }
}

TEST(DuplicateRulesTest, EditDistanceCountsCodePointsAndStopsAtTheLimit) {
  EXPECT_EQ(EditDistance("kitten", "sitting", 5), 3);
  EXPECT_EQ(EditDistance("same", "same", 1), 0);
  EXPECT_EQ(EditDistance("müller", "muller", 2), 1);  // one code point, two bytes
  EXPECT_EQ(EditDistance("", "abc", 5), 3);
  EXPECT_EQ(EditDistance("abcdefgh", "zzzzzzzz", 2), 3);  // limit + 1
  EXPECT_EQ(EditDistance("a", "abcdefgh", 2), 3);
}

TEST(DuplicateRulesTest, EmptyValuesNeverMatchAndFuzzyUsesTheDistance) {
  v1::MatchCondition exact;
  exact.set_field_path("email");
  exact.set_normalizer(v1::NORMALIZER_EMAIL);
  exact.set_match_type(v1::MATCH_TYPE_EXACT);
  v1::Customer a;
  v1::Customer b;
  EXPECT_FALSE(ConditionMatches(exact, a, b));
  a.set_email("X+1@example.com");
  b.set_email("x@EXAMPLE.com");
  EXPECT_TRUE(ConditionMatches(exact, a, b));

  v1::MatchCondition fuzzy;
  fuzzy.set_field_path("display_name");
  fuzzy.set_normalizer(v1::NORMALIZER_LOWERCASE);
  fuzzy.set_match_type(v1::MATCH_TYPE_FUZZY);
  fuzzy.set_max_edit_distance(1);
  a.set_display_name("Jonathan");
  b.set_display_name("JONATHON");
  EXPECT_TRUE(ConditionMatches(fuzzy, a, b));
  b.set_display_name("Jonothon");
  EXPECT_FALSE(ConditionMatches(fuzzy, a, b));

  v1::DuplicateRule rule;
  *rule.add_conditions() = exact;
  *rule.add_conditions() = fuzzy;
  EXPECT_FALSE(RuleMatches(rule, a, b));
  b.set_display_name("Jonathon");
  EXPECT_TRUE(RuleMatches(rule, a, b));
}

TEST(DuplicateRulesTest, NormalizeRuleFillsDefaultsAndNamesTheBadField) {
  v1::DuplicateRule rule;
  rule.set_display_name("Same e-mail");
  rule.add_conditions()->set_field_path("email");
  ASSERT_TRUE(NormalizeRule(rule).ok());
  EXPECT_EQ(rule.conditions(0).normalizer(), v1::NORMALIZER_NONE);
  EXPECT_EQ(rule.conditions(0).match_type(), v1::MATCH_TYPE_EXACT);

  v1::DuplicateRule bad = rule;
  bad.add_conditions()->set_field_path("organization_key.secret");
  absl::Status status = NormalizeRule(bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("duplicate_rule.conditions[1].field_path"));

  bad = rule;
  bad.mutable_conditions(0)->set_match_type(v1::MATCH_TYPE_FUZZY);
  status = NormalizeRule(bad);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("duplicate_rule.conditions[0].max_edit_distance"));
  bad.mutable_conditions(0)->set_max_edit_distance(5);
  EXPECT_TRUE(NormalizeRule(bad).ok());

  bad = rule;
  bad.set_display_name("   ");
  EXPECT_THAT(std::string(NormalizeRule(bad).message()), HasSubstr("duplicate_rule.display_name"));
  bad = rule;
  bad.mutable_conditions(0)->set_match_type(static_cast<v1::MatchType>(7));
  EXPECT_THAT(std::string(NormalizeRule(bad).message()),
              HasSubstr("duplicate_rule.conditions[0].match_type"));
}

v1::Customer Customer(int id, const std::string& display_name, const std::string& email,
                      const std::string& phone, int64_t update_seconds) {
  v1::Customer customer;
  customer.set_name("customers/" + std::to_string(id));
  customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  customer.set_display_name(display_name);
  customer.set_email(email);
  customer.set_phone(phone);
  customer.set_tier(v1::TIER_STANDARD);
  customer.mutable_update_time()->set_seconds(update_seconds);
  return customer;
}

TEST(CustomerMergeTest, SurvivorWinsEmptyFieldsComeFromTheNewestMergedCustomer) {
  v1::Customer survivor = Customer(1, "Acme", "info@acme.example", "", 100);
  v1::Customer older = Customer(2, "Acme Ltd", "old@acme.example", "+4930111111", 200);
  v1::Customer newer = Customer(3, "ACME", "", "+4930222222", 300);
  newer.set_parent("customers/1");  // would point at the survivor: cleared
  survivor.set_parent("customers/2");
  google::protobuf::RepeatedPtrField<v1::FieldSelection> selections;
  absl::StatusOr<MergePlan> plan = PlanMerge(survivor, {older, newer}, selections);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->survivor.display_name(), "Acme");
  EXPECT_EQ(plan->survivor.email(), "info@acme.example");
  EXPECT_EQ(plan->survivor.phone(), "+4930222222");  // the most recently updated
  EXPECT_EQ(plan->survivor.parent(), "");            // no parent inside the merge
  std::vector<std::string> conflict_paths;
  for (const v1::FieldConflict& conflict : plan->conflicts) {
    conflict_paths.push_back(conflict.field_path());
  }
  EXPECT_THAT(conflict_paths, ::testing::ElementsAre("display_name", "parent", "email", "phone"));
  EXPECT_EQ(plan->conflicts[3].chosen_customer(), "customers/3");

  v1::FieldSelection& selection = *selections.Add();
  selection.set_field_path("phone");
  selection.set_source_customer("customers/2");
  plan = PlanMerge(survivor, {older, newer}, selections);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->survivor.phone(), "+4930111111");

  selection.set_source_customer("customers/9");
  EXPECT_THAT(std::string(PlanMerge(survivor, {older}, selections).status().message()),
              HasSubstr("field_selections[0].source_customer"));
  selection.set_source_customer("customers/2");
  selection.set_field_path("lifecycle_stage");
  EXPECT_THAT(std::string(PlanMerge(survivor, {older}, selections).status().message()),
              HasSubstr("field_selections[0].field_path"));
}

TEST(CustomerMergeTest, RestoreUndoesMergeChangesAndRefusesLaterEditsOfThem) {
  v1::Customer before = Customer(1, "Acme", "info@acme.example", "", 100);
  v1::Customer after = before;
  after.set_phone("+4930222222");  // filled in by the merge
  v1::Customer current = after;
  current.set_display_name("Acme Renamed");  // later, untouched by the merge
  ASSERT_TRUE(RestoreMergedFields("customers/1", before, after, current).ok());
  EXPECT_EQ(current.phone(), "");
  EXPECT_EQ(current.display_name(), "Acme Renamed");

  current = after;
  current.set_phone("+4930999999");
  absl::Status status = RestoreMergedFields("customers/1", before, after, current);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("customers/1.phone"));
  EXPECT_EQ(current.phone(), "+4930999999");  // unchanged on failure
}

}  // namespace
}  // namespace crm::customer
