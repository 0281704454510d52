// Domain rules of customer_svc without a database: filter parsing, the
// lifecycle transition table, field validation, update masks, audit diffs.
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "common/audit/audit_log.h"
#include "customer_svc/domain/customer_validation.h"
#include "common/api/filter_parser.h"
#include "customer_svc/domain/lifecycle.h"
#include "customer_svc/domain/list_filters.h"
#include "customer_svc/domain/update_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

v1::Customer ValidCustomer() {
  v1::Customer customer;
  customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  customer.set_display_name("Acme GmbH");
  customer.mutable_organization_key()->set_web_domain("WWW.Acme.Example");
  customer.mutable_organization_key()->set_tax_id("de123456789");
  customer.set_email("buyer@acme.example");
  customer.set_phone("+49 30 1234567");
  return customer;
}

TEST(FilterParserTest, ParsesConditionsJoinedByAnd) {
  auto terms = common::ParseFilter(R"(lifecycle_stage = ACTIVE AND tier != GOLD AND display_name : "ac\"me")");
  ASSERT_TRUE(terms.ok()) << terms.status();
  EXPECT_THAT(*terms, ElementsAre(common::FilterTerm{"lifecycle_stage", common::FilterOperator::kEqual, "ACTIVE"},
                                  common::FilterTerm{"tier", common::FilterOperator::kNotEqual, "GOLD"},
                                  common::FilterTerm{"display_name", common::FilterOperator::kHas, "ac\"me"}));
  EXPECT_TRUE(common::ParseFilter("").value().empty());
}

TEST(FilterParserTest, RejectsWhatItDoesNotSupport) {
  for (const char* filter : {"tier = GOLD OR tier = SILVER", "(tier = GOLD)", "NOT tier = GOLD",
                             "tier GOLD", "tier =", "display_name = \"open", "tier = GOLD AND",
                             "display_name = '; DROP TABLE customers; --"}) {
    auto terms = common::ParseFilter(filter);
    EXPECT_EQ(terms.status().code(), absl::StatusCode::kInvalidArgument) << filter;
    EXPECT_THAT(std::string(terms.status().message()), HasSubstr("filter: ")) << filter;
  }
}

TEST(CustomerFilterTest, ResolvesFieldsAndNamesUnknownOnes) {
  auto conditions = ParseCustomerFilter(
      "tier = GOLD AND lifecycle_stage = LIFECYCLE_STAGE_ACTIVE AND display_name = \"acme*\" AND "
      "organization_key.web_domain = Acme.Example AND parent = customers/7");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 5u);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::TIER_GOLD);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), v1::LIFECYCLE_STAGE_ACTIVE);
  EXPECT_EQ((*conditions)[2].match, common::Match::kPrefix);
  EXPECT_EQ(std::get<std::string>((*conditions)[2].value), "acme");
  EXPECT_EQ(std::get<std::string>((*conditions)[3].value), "acme.example");
  EXPECT_EQ(std::get<int64_t>((*conditions)[4].value), 7);

  auto unknown = ParseCustomerFilter("password = x");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("unknown field \"password\""));
  auto bad_operator = ParseCustomerFilter("tier : GOLD");
  EXPECT_THAT(std::string(bad_operator.status().message()), HasSubstr("operator \":\" is not supported"));
  auto bad_enum = ParseCustomerFilter("tier = DIAMOND");
  EXPECT_THAT(std::string(bad_enum.status().message()), HasSubstr("\"DIAMOND\" is not a valid value"));
}

TEST(LifecycleTest, TransitionTableIsExactlyTheDocumentedOne) {
  const std::set<std::pair<int, int>> legal = {
      {1, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 3}, {4, 5}, {3, 5}, {5, 6}, {6, 3}, {6, 4}};
  for (int from = 0; from <= 6; ++from) {
    for (int to = 0; to <= 6; ++to) {
      const auto f = static_cast<v1::LifecycleStage>(from);
      const auto t = static_cast<v1::LifecycleStage>(to);
      EXPECT_EQ(IsLegalTransition(f, t), legal.contains({from, to})) << from << "->" << to;
      absl::Status status = CheckTransition("customers/1", f, t);
      if (legal.contains({from, to})) {
        EXPECT_TRUE(status.ok());
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_THAT(std::string(status.message()), HasSubstr(StageName(f) + " to " + StageName(t)));
      }
    }
  }
}

TEST(CustomerValidationTest, NormalizesAValidCustomer) {
  v1::Customer customer = ValidCustomer();
  ASSERT_TRUE(NormalizeCustomer(customer).ok());
  EXPECT_EQ(customer.organization_key().web_domain(), "acme.example");
  EXPECT_EQ(customer.organization_key().tax_id(), "DE123456789");
  EXPECT_EQ(customer.phone(), "+49301234567");
  EXPECT_EQ(customer.lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(customer.tier(), v1::TIER_STANDARD);
}

TEST(CustomerValidationTest, SqlLookingTextIsValidText) {
  v1::Customer customer = ValidCustomer();
  customer.set_display_name("Robert'); DROP TABLE customers; -- UNION SELECT 1");
  EXPECT_TRUE(NormalizeCustomer(customer).ok());
  EXPECT_EQ(customer.display_name(), "Robert'); DROP TABLE customers; -- UNION SELECT 1");
}

TEST(CustomerValidationTest, RejectsEveryBadFieldByName) {
  struct Case {
    std::function<void(v1::Customer&)> change;
    std::string field;
  };
  const std::string ten_kb(10 * 1024, 'x');
  const std::vector<Case> cases = {
      {[](v1::Customer& c) { c.set_kind(v1::CUSTOMER_KIND_UNSPECIFIED); }, "customer.kind"},
      {[](v1::Customer& c) { c.set_kind(static_cast<v1::CustomerKind>(42)); }, "customer.kind"},
      {[](v1::Customer& c) { c.set_display_name(""); }, "customer.display_name"},
      {[](v1::Customer& c) { c.set_display_name("   "); }, "customer.display_name"},
      {[&](v1::Customer& c) { c.set_display_name(ten_kb); }, "customer.display_name"},
      {[](v1::Customer& c) { c.set_display_name("bad \xC3\x28 utf8"); }, "customer.display_name"},
      {[](v1::Customer& c) { c.set_display_name(std::string("nul\0byte", 8)); },
       "customer.display_name"},
      {[](v1::Customer& c) { c.mutable_organization_key()->set_web_domain("https://acme.example"); },
       "customer.organization_key.web_domain"},
      {[](v1::Customer& c) { c.mutable_organization_key()->set_web_domain("'; DROP TABLE x; --"); },
       "customer.organization_key.web_domain"},
      {[](v1::Customer& c) { c.mutable_organization_key()->set_tax_id("1' OR '1'='1"); },
       "customer.organization_key.tax_id"},
      {[](v1::Customer& c) { c.set_parent("suppliers/1"); }, "customer.parent"},
      {[](v1::Customer& c) { c.set_email("x@y' UNION SELECT"); }, "customer.email"},
      {[](v1::Customer& c) { c.set_phone("0301234567"); }, "customer.phone"},
      {[](v1::Customer& c) { c.mutable_postal_address()->set_region_code("XX"); },
       "customer.postal_address.region_code"},
      {[](v1::Customer& c) { c.add_contacts()->set_display_name(""); },
       "customer.contacts[0].display_name"},
      {[](v1::Customer& c) {
         for (int i = 0; i < 2; ++i) {
           auto* contact = c.add_contacts();
           contact->set_display_name("P");
           contact->set_primary(true);
         }
       },
       "customer.contacts[1].primary"},
      {[](v1::Customer& c) { c.set_lifecycle_stage(static_cast<v1::LifecycleStage>(9)); },
       "customer.lifecycle_stage"},
      {[](v1::Customer& c) { c.set_tier(static_cast<v1::Tier>(-1)); }, "customer.tier"},
      {[](v1::Customer& c) { c.mutable_needs()->add_tags("cold chain"); }, "customer.needs.tags[0]"},
      {[&](v1::Customer& c) { c.mutable_needs()->set_text(ten_kb); }, "customer.needs.text"},
      {[](v1::Customer& c) { c.mutable_source()->set_kind(v1::SOURCE_KIND_CAMPAIGN); },
       "customer.source.campaign"},
      {[](v1::Customer& c) { c.mutable_source()->set_referrer("customers/1"); },
       "customer.source.referrer"},
      {[](v1::Customer& c) { c.mutable_consents()->mutable_marketing()->set_granted(true); },
       "customer.consents.marketing.evidence"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::Customer customer = ValidCustomer();
    cases[i].change(customer);
    absl::Status status = NormalizeCustomer(customer);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << "case " << i;
    EXPECT_THAT(std::string(status.message()), ::testing::StartsWith(cases[i].field + ":")) << "case " << i;
  }
}

TEST(UpdateRulesTest, OnlyCallerOwnedFieldsAreUpdatable) {
  google::protobuf::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("organization_key.web_domain");
  EXPECT_TRUE(ValidateCustomerUpdateMask(mask).ok());
  for (const auto& [path, hint] : std::vector<std::pair<std::string, std::string>>{
           {"lifecycle_stage", "TransitionLifecycleStage"},
           {"consents.marketing", "SetCustomerConsent"},
           {"account_manager", "AssignCustomer"},
           {"etag", "cannot be updated"},
           {"create_time", "cannot be updated"},
           {"no_such_field", "unknown field"}}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    absl::Status status = ValidateCustomerUpdateMask(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(std::string(status.message()), HasSubstr(hint)) << path;
  }
}

TEST(AuditDiffTest, ReportsChangedFieldsWithJsonValues) {
  v1::Customer before = ValidCustomer();
  v1::Customer after = before;
  after.set_display_name("Acme \"New\"");
  after.mutable_organization_key()->clear_tax_id();
  after.set_tier(v1::TIER_GOLD);
  after.set_etag("ignored");
  auto changes = common::DiffMessages(before, after);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].field_path(), "display_name");
  EXPECT_EQ(changes[0].old_value_json(), "\"Acme GmbH\"");
  EXPECT_EQ(changes[0].new_value_json(), "\"Acme \\\"New\\\"\"");
  EXPECT_EQ(changes[1].field_path(), "organization_key.tax_id");
  EXPECT_EQ(changes[1].new_value_json(), "");
  EXPECT_EQ(changes[2].field_path(), "tier");
  EXPECT_EQ(changes[2].old_value_json(), "");
  EXPECT_EQ(changes[2].new_value_json(), "\"TIER_GOLD\"");
}

TEST(AuditDiffTest, CreateChangeRecordsTheWholeRecordAsOneJsonValue) {
  v1::Customer customer = ValidCustomer();
  customer.set_display_name("Jörg \"Ö\" <b>\\ \n\t\x01 ✓");
  customer.set_tier(v1::TIER_GOLD);
  customer.set_lifecycle_stage(v1::LIFECYCLE_STAGE_ACTIVE);
  customer.mutable_needs()->add_tags("a");
  customer.mutable_needs()->add_tags("'; DROP TABLE customers; --");
  crm::common::v1::ContactPerson& contact = *customer.add_contacts();
  contact.set_display_name("Ana");
  contact.set_primary(true);
  customer.mutable_stage_enter_time()->set_seconds(1700000000);
  customer.mutable_stage_enter_time()->set_nanos(123456000);
  customer.mutable_consents()->mutable_marketing()->set_granted(true);
  *customer.mutable_consents()->mutable_marketing()->mutable_update_time() =
      customer.stage_enter_time();
  v1::Customer expected = customer;
  customer.set_name("customers/7");
  customer.set_etag("W/\"1\"");
  customer.mutable_create_time()->set_seconds(1700000001);
  customer.mutable_update_time()->set_seconds(1700000002);

  const crm::common::v1::FieldChange change = common::CreateChange(customer);
  EXPECT_EQ(change.field_path(), "");
  EXPECT_EQ(change.old_value_json(), "");
  EXPECT_THAT(change.new_value_json(), HasSubstr("\"tier\":\"TIER_GOLD\""));
  EXPECT_THAT(change.new_value_json(), HasSubstr("\"stage_enter_time\":\"2023-11-14T22:13:20.123456Z\""));
  EXPECT_THAT(change.new_value_json(), Not(HasSubstr("customers/7")));
  EXPECT_THAT(change.new_value_json(), Not(HasSubstr("create_time")));
  v1::Customer parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(change.new_value_json(), &parsed).ok())
      << change.new_value_json();
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString()) << change.new_value_json();
  EXPECT_EQ(common::CreateChange(v1::Customer()).new_value_json(), "{}");
}

}  // namespace
}  // namespace crm::customer
