// ImportCustomers (CustomerImporter) with the MySQL repository against a fresh
// TestDatabase schema carrying customer_svc's migrations.
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "common/mysql/migrations.h"
#include "crm/customer/v1/audit_service.pb.h"
#include "common/mysql/pool.h"
#include "customer_svc/domain/customer_import.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::crm::test_support::QueryInt;
using ::testing::HasSubstr;

using Request = v1::ImportCustomersRequest;

// The client stream as a list of messages, optionally ending in an error
// instead of the client's half-close.
class ListStream final : public common::StreamReader<Request> {
 public:
  explicit ListStream(std::vector<Request> messages, absl::Status end = absl::OkStatus())
      : messages_(std::move(messages)), end_(std::move(end)) {}

  absl::StatusOr<bool> Read(Request& message) override {
    if (next_ < messages_.size()) {
      message = messages_[next_++];
      return true;
    }
    if (!end_.ok()) return end_;
    return false;
  }

 private:
  std::vector<Request> messages_;
  size_t next_ = 0;
  absl::Status end_;
};

v1::ImportRow Row(const std::string& row_id, const std::string& display_name,
                  const std::string& domain = "") {
  v1::ImportRow row;
  row.set_row_id(row_id);
  row.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  row.mutable_customer()->set_display_name(display_name);
  if (!domain.empty()) row.mutable_customer()->mutable_organization_key()->set_web_domain(domain);
  return row;
}

Request Message(v1::ImportMode mode, std::vector<v1::ImportRow> rows,
                const std::string& request_id = "") {
  Request message;
  message.set_mode(mode);
  message.set_request_id(request_id);
  for (v1::ImportRow& row : rows) *message.add_rows() = std::move(row);
  return message;
}

class CustomerImportMySqlTest : public ::testing::Test {
 protected:
  CustomerImportMySqlTest()
      : pool_(database_.options()),
        repository_(pool_),
        service_(repository_, [this] { return now_; }),
        importer_(
            repository_, [this] { return now_; }, write_slots_) {
    call_.caller.team = "data-team";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + absl::Seconds(60);
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                IsOk());
  }

  absl::Status Import(std::vector<Request> messages, v1::ImportCustomersResponse& response,
                      absl::Status end = absl::OkStatus()) {
    ListStream stream(std::move(messages), std::move(end));
    return importer_.ImportCustomers(call_, stream, response);
  }

  v1::ImportCustomersResponse MustImport(std::vector<Request> messages) {
    v1::ImportCustomersResponse response;
    absl::Status status = Import(std::move(messages), response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response;
  }

  v1::Customer Get(const std::string& name) {
    v1::GetCustomerRequest request;
    request.set_name(name);
    v1::GetCustomerResponse response;
    absl::Status status = service_.GetCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.customer();
  }

  v1::Customer Create(const std::string& display_name, const std::string& domain) {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->mutable_organization_key()->set_web_domain(domain);
    request.mutable_customer()->set_email("info@" + domain);
    request.mutable_customer()->set_phone("+4930123456");
    v1::CreateCustomerResponse response;
    absl::Status status = service_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response.customer();
  }

  int64_t Count(const std::string& query) {
    absl::StatusOr<int64_t> count = QueryInt(pool_, query);
    EXPECT_TRUE(count.ok()) << count.status();
    return count.ok() ? *count : -1;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlCustomerRepository repository_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  CustomerService service_;
  common::ConcurrencyLimit write_slots_{1, "ImportCustomers writes"};
  CustomerImporter importer_;
  common::CallContext call_;
};

TEST_F(CustomerImportMySqlTest, CreateModeCreatesEveryRowWithTransitionAndAudit) {
  v1::ImportRow person = Row("3", "Jörg Müller");
  person.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  person.mutable_customer()->set_email("joerg@example.de");
  person.mutable_customer()->set_tier(v1::TIER_GOLD);
  v1::ImportCustomersResponse response = MustImport(
      {Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme GmbH", "acme.de")}),
       Message(v1::IMPORT_MODE_UNSPECIFIED, {Row("2", "Globex", "WWW.Globex.COM"), person})});

  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.created_count(), 3);
  EXPECT_EQ(response.updated_count() + response.skipped_count() + response.failed_count(), 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.results(i).row_id(), std::to_string(i + 1));
    EXPECT_EQ(response.results(i).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
    EXPECT_THAT(response.results(i).customer(), HasSubstr("customers/"));
  }
  v1::Customer globex = Get(response.results(1).customer());
  EXPECT_EQ(globex.display_name(), "Globex");
  EXPECT_EQ(globex.organization_key().web_domain(), "globex.com");  // normalized like Create
  EXPECT_EQ(globex.lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(globex.tier(), v1::TIER_STANDARD);
  v1::Customer joerg = Get(response.results(2).customer());
  EXPECT_EQ(joerg.display_name(), "Jörg Müller");
  EXPECT_EQ(joerg.tier(), v1::TIER_GOLD);
  EXPECT_EQ(joerg.email(), "joerg@example.de");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions WHERE from_stage = 0 AND "
                  "to_stage = 1 AND actor = 'data-team'"),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE action = 1"), 3);
  // Each CREATE entry records the whole created customer as one change
  // (common::CreateChange), the same as CreateCustomer.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_field_changes WHERE field_path = '' AND "
                  "old_value_json = ''"),
            3);
  v1::ListAuditEntriesRequest audit_request;
  audit_request.set_resource(joerg.name());
  v1::ListAuditEntriesResponse audit;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit_request, audit, {"customers"}), IsOk());
  ASSERT_EQ(audit.audit_entries_size(), 1);
  EXPECT_EQ(audit.audit_entries(0).action(), crm::common::v1::AUDIT_ACTION_CREATE);
  ASSERT_EQ(audit.audit_entries(0).field_changes_size(), 1);
  const crm::common::v1::FieldChange& change = audit.audit_entries(0).field_changes(0);
  EXPECT_EQ(change.field_path(), "");
  EXPECT_EQ(change.old_value_json(), "");
  EXPECT_THAT(change.new_value_json(), HasSubstr("\"display_name\":\"Jörg Müller\""));
  v1::Customer recorded;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(change.new_value_json(), &recorded).ok())
      << change.new_value_json();
  v1::Customer expected = joerg;
  expected.clear_name();
  expected.clear_etag();
  expected.clear_create_time();
  expected.clear_update_time();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equivalent(recorded, expected))
      << change.new_value_json() << "\n" << expected.DebugString();
}

TEST_F(CustomerImportMySqlTest, InvalidRowsFailAloneNamingTheField) {
  v1::ImportRow bad_email = Row("email", "Initech");
  bad_email.mutable_customer()->set_email("not-an-email");
  v1::ImportRow no_name = Row("name", "");
  v1::ImportRow bad_tag = Row("tag", "Hooli");
  bad_tag.mutable_customer()->mutable_needs()->add_tags("no spaces allowed");
  v1::ImportRow long_id = Row(std::string(129, 'x'), "Umbrella");
  v1::ImportCustomersResponse response = MustImport({Message(
      v1::IMPORT_MODE_CREATE, {bad_email, Row("ok", "Soylent", "soylent.com"), no_name, bad_tag,
                               long_id})});

  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.created_count(), 1);
  EXPECT_EQ(response.failed_count(), 4);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(0).error_field(), "customer.email");
  EXPECT_THAT(response.results(0).error_message(), HasSubstr("customer.email"));
  EXPECT_TRUE(response.results(0).customer().empty());
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(2).error_field(), "customer.display_name");
  EXPECT_EQ(response.results(3).error_field(), "customer.needs.tags[0]");
  EXPECT_EQ(response.results(4).error_field(), "row_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
}

TEST_F(CustomerImportMySqlTest, CreateModeFailsRowsWhoseKeyIsTakenInTheDatabaseOrTheStream) {
  v1::Customer existing = Create("Acme", "acme.com");
  v1::ImportRow same_tax_1 = Row("t1", "Tax One");
  same_tax_1.mutable_customer()->mutable_organization_key()->set_tax_id("de123456789");
  v1::ImportRow same_tax_2 = Row("t2", "Tax Two");
  same_tax_2.mutable_customer()->mutable_organization_key()->set_tax_id("DE123456789");
  v1::ImportCustomersResponse response = MustImport({Message(
      v1::IMPORT_MODE_CREATE, {Row("a", "Acme again", "www.acme.com"), Row("b", "Beta", "beta.io"),
                               Row("c", "Beta copy", "beta.io"), same_tax_1, same_tax_2})});

  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(0).error_field(), "customer.organization_key.web_domain");
  EXPECT_THAT(response.results(0).error_message(), HasSubstr(existing.name()));
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(2).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(2).error_field(), "customer.organization_key.web_domain");
  EXPECT_THAT(response.results(2).error_message(), HasSubstr("row \"b\""));
  EXPECT_EQ(response.results(3).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(4).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(4).error_field(), "customer.organization_key.tax_id");
  EXPECT_EQ(response.created_count(), 2);
  EXPECT_EQ(response.failed_count(), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 3);
}

TEST_F(CustomerImportMySqlTest, UpsertUpdatesOnlyTheFieldsTheRowSetsAndCreatesTheRest) {
  v1::Customer existing = Create("Acme", "acme.com");
  v1::ImportRow update = Row("u", "Acme Corporation", "WWW.ACME.COM");
  update.mutable_customer()->set_phone("+49 30 999999");
  update.mutable_customer()->set_tier(v1::TIER_PLATINUM);
  v1::ImportCustomersResponse response = MustImport({Message(
      v1::IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY, {update, Row("n", "Newco", "newco.com")})});

  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  EXPECT_EQ(response.results(0).customer(), existing.name());
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.updated_count(), 1);
  EXPECT_EQ(response.created_count(), 1);
  v1::Customer after = Get(existing.name());
  EXPECT_EQ(after.display_name(), "Acme Corporation");
  EXPECT_EQ(after.phone(), "+4930999999");
  EXPECT_EQ(after.tier(), v1::TIER_PLATINUM);
  EXPECT_EQ(after.email(), "info@acme.com");  // not in the row: untouched
  EXPECT_NE(after.etag(), existing.etag());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE action = 2 AND "
                               "resource = '", existing.name(), "'")),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);
}

TEST_F(CustomerImportMySqlTest, UpsertRowsWithTheSameKeyInOneStreamShapeOneCustomer) {
  v1::ImportRow second = Row("2", "Zeta Ltd", "zeta.io");
  second.mutable_customer()->set_tier(v1::TIER_GOLD);
  second.mutable_customer()->mutable_organization_key()->set_tax_id("GB123456789");
  v1::ImportRow by_tax = Row("3", "Zeta Limited");
  by_tax.mutable_customer()->mutable_organization_key()->set_tax_id("GB123456789");
  by_tax.mutable_customer()->set_email("hello@zeta.io");
  v1::ImportCustomersResponse response =
      MustImport({Message(v1::IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY,
                          {Row("1", "Zeta", "zeta.io"), second, by_tax})});

  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  EXPECT_EQ(response.results(2).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  EXPECT_EQ(response.results(1).customer(), response.results(0).customer());
  EXPECT_EQ(response.results(2).customer(), response.results(0).customer());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
  v1::Customer zeta = Get(response.results(0).customer());
  EXPECT_EQ(zeta.display_name(), "Zeta Limited");
  EXPECT_EQ(zeta.tier(), v1::TIER_GOLD);
  EXPECT_EQ(zeta.organization_key().tax_id(), "GB123456789");
  EXPECT_EQ(zeta.email(), "hello@zeta.io");
}

TEST_F(CustomerImportMySqlTest, UpsertMayNotMoveTheStageOrMatchTwoCustomers) {
  v1::Customer acme = Create("Acme", "acme.com");
  v1::Customer beta = Create("Beta", "beta.com");
  v1::ImportRow stage = Row("stage", "Acme", "acme.com");
  stage.mutable_customer()->set_lifecycle_stage(v1::LIFECYCLE_STAGE_ACTIVE);
  v1::ImportRow same_stage = Row("same", "Acme", "acme.com");
  same_stage.mutable_customer()->set_lifecycle_stage(v1::LIFECYCLE_STAGE_LEAD);
  v1::ImportCustomersResponse setup = MustImport({Message(
      v1::IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY, {Row("tax", "Beta", "beta.com")})});
  ASSERT_EQ(setup.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  v1::ImportRow ambiguous = Row("both", "Acme Beta", "acme.com");
  v1::ImportRow give_beta_tax = Row("beta-tax", "Beta", "beta.com");
  give_beta_tax.mutable_customer()->mutable_organization_key()->set_tax_id("FR12345678901");
  ambiguous.mutable_customer()->mutable_organization_key()->set_tax_id("FR12345678901");
  v1::ImportCustomersResponse response =
      MustImport({Message(v1::IMPORT_MODE_UPSERT_BY_ORGANIZATION_KEY,
                          {stage, same_stage, give_beta_tax, ambiguous})});

  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(0).error_field(), "customer.lifecycle_stage");
  EXPECT_THAT(response.results(0).error_message(), HasSubstr("TransitionLifecycleStage"));
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  EXPECT_EQ(response.results(2).outcome(), v1::IMPORT_ROW_OUTCOME_UPDATED);
  EXPECT_EQ(response.results(2).customer(), beta.name());
  EXPECT_EQ(response.results(3).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(3).error_field(), "customer.organization_key.tax_id");
  EXPECT_EQ(Get(acme.name()).lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(Get(acme.name()).display_name(), "Acme");
  EXPECT_EQ(Get(beta.name()).organization_key().tax_id(), "FR12345678901");
}

TEST_F(CustomerImportMySqlTest, SkipDuplicatesSkipsRowsMatchingACustomerOrAnEarlierRow) {
  v1::Customer existing = Create("Acme", "acme.com");
  v1::ImportCustomersResponse response = MustImport(
      {Message(v1::IMPORT_MODE_SKIP_DUPLICATES,
               {Row("1", "Acme copy", "acme.com"), Row("2", "Delta", "delta.org"),
                Row("3", "Delta again", "www.delta.org"), Row("4", "No key at all")})});

  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE);
  EXPECT_EQ(response.results(0).duplicate_of(), existing.name());
  EXPECT_TRUE(response.results(0).customer().empty());
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(2).outcome(), v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE);
  EXPECT_EQ(response.results(2).duplicate_of(), response.results(1).customer());
  EXPECT_EQ(response.results(3).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.skipped_count(), 2);
  EXPECT_EQ(response.created_count(), 2);
  EXPECT_EQ(Get(existing.name()).display_name(), "Acme");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 3);
}

TEST_F(CustomerImportMySqlTest, SkipDuplicatesAppliesTheEnabledDuplicateRules) {
  v1::CreateCustomerRequest create;
  create.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  create.mutable_customer()->set_display_name("Jane Doe");
  create.mutable_customer()->set_email("Jane.Doe+news@Example.com");
  v1::CreateCustomerResponse jane;
  ASSERT_THAT(service_.CreateCustomer(call_, create, jane), IsOk());
  // Same e-mail (EMAIL normalizer) is a duplicate; a disabled phone rule is not used.
  auto insert_rule = [&](const std::string& field, v1::Normalizer normalizer, bool enabled) {
    v1::DuplicateRule rule;
    v1::MatchCondition& condition = *rule.add_conditions();
    condition.set_field_path(field);
    condition.set_normalizer(normalizer);
    condition.set_match_type(v1::MATCH_TYPE_EXACT);
    ASSERT_THAT(
        test_support::ExecuteSql(
            pool_, absl::StrCat("INSERT INTO duplicate_rules (display_name, enabled, conditions, "
                                "version, create_time, update_time) VALUES ('rule', ",
                                enabled ? 1 : 0, ", X'", absl::BytesToHexString(rule.SerializeAsString()),
                                "', 1, '2024-01-01', '2024-01-01')")),
        IsOk());
  };
  insert_rule("email", v1::NORMALIZER_EMAIL, true);
  insert_rule("phone", v1::NORMALIZER_PHONE, false);
  v1::ImportRow same_mail = Row("1", "J. Doe");
  same_mail.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  same_mail.mutable_customer()->set_email("jane.doe@example.com");
  v1::ImportRow new_person = Row("2", "John Roe");
  new_person.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  new_person.mutable_customer()->set_email("john@roe.example");
  new_person.mutable_customer()->set_phone("+4930111111");
  v1::ImportRow same_as_row_2 = Row("3", "Johnny Roe");
  same_as_row_2.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  same_as_row_2.mutable_customer()->set_email("JOHN+crm@roe.example");
  v1::ImportRow same_phone_only = Row("4", "Other Person");
  same_phone_only.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  same_phone_only.mutable_customer()->set_phone("+4930111111");
  v1::ImportCustomersResponse response = MustImport({Message(
      v1::IMPORT_MODE_SKIP_DUPLICATES, {same_mail, new_person, same_as_row_2, same_phone_only})});

  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE);
  EXPECT_EQ(response.results(0).duplicate_of(), jane.customer().name());
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(response.results(2).outcome(), v1::IMPORT_ROW_OUTCOME_SKIPPED_DUPLICATE);
  EXPECT_EQ(response.results(2).duplicate_of(), response.results(1).customer());
  EXPECT_EQ(response.results(3).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  // CREATE mode ignores the rules.
  v1::ImportCustomersResponse created = MustImport({Message(v1::IMPORT_MODE_CREATE, {same_mail})});
  EXPECT_EQ(created.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
}

TEST_F(CustomerImportMySqlTest, RowWithAMissingOrDeletedParentFailsOnTheParent) {
  v1::Customer parent = Create("Holding", "holding.com");
  v1::ImportRow child = Row("child", "Subsidiary");
  child.mutable_customer()->set_parent(parent.name());
  v1::ImportRow orphan = Row("orphan", "Orphan");
  orphan.mutable_customer()->set_parent("customers/999999");
  v1::ImportCustomersResponse response =
      MustImport({Message(v1::IMPORT_MODE_CREATE, {child, orphan})});

  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), v1::IMPORT_ROW_OUTCOME_CREATED);
  EXPECT_EQ(Get(response.results(0).customer()).parent(), parent.name());
  EXPECT_EQ(response.results(1).outcome(), v1::IMPORT_ROW_OUTCOME_FAILED);
  EXPECT_EQ(response.results(1).error_field(), "customer.parent");
  EXPECT_THAT(response.results(1).error_message(), HasSubstr("customers/999999"));
}

TEST_F(CustomerImportMySqlTest, ReplayReturnsTheFirstResultAndCreatesNothing) {
  const std::vector<Request> import = {
      Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme", "acme.com")}, "import-42"),
      Message(v1::IMPORT_MODE_UNSPECIFIED, {Row("2", "Beta", "beta.com")})};
  v1::ImportCustomersResponse first = MustImport(import);
  ASSERT_EQ(first.created_count(), 2);
  // The same rows split differently are the same import.
  v1::ImportCustomersResponse replay = MustImport({Message(
      v1::IMPORT_MODE_CREATE, {Row("1", "Acme", "acme.com"), Row("2", "Beta", "beta.com")},
      "import-42")});
  EXPECT_EQ(replay.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);

  v1::ImportCustomersResponse other;
  absl::Status reused = Import(
      {Message(v1::IMPORT_MODE_CREATE, {Row("1", "Gamma", "gamma.com")}, "import-42")}, other);
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists) << reused;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);
}

TEST_F(CustomerImportMySqlTest, AFailedTransactionLeavesNothingWritten) {
  // The audit field changes are written last: losing their table fails the
  // transaction after the customers, transitions and entries were inserted.
  ASSERT_THAT(test_support::ExecuteSql(pool_, "DROP TABLE audit_field_changes"), IsOk());
  v1::ImportCustomersResponse response;
  absl::Status status = Import({Message(v1::IMPORT_MODE_CREATE,
                                        {Row("1", "Acme", "acme.com"), Row("2", "Beta")},
                                        "import-fails")},
                               response);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_records"), 0);
}

TEST_F(CustomerImportMySqlTest, AnImportWaitingForAWriteSlotPastItsDeadlineWritesNothing) {
  absl::StatusOr<common::ConcurrencyLimit::Slot> busy = write_slots_.Acquire(absl::Now());
  ASSERT_THAT(busy.status(), IsOk());  // the fixture's only slot
  call_.deadline = absl::Now() + absl::Milliseconds(100);
  v1::ImportCustomersResponse response;
  absl::Status status =
      Import({Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme", "acme.com")}, "waits")}, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("ImportCustomers writes"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_records"), 0);

  // Once the slot is free the same import goes through.
  { common::ConcurrencyLimit::Slot release = *std::move(busy); }
  call_.deadline = absl::Now() + absl::Seconds(60);
  EXPECT_EQ(MustImport({Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme", "acme.com")}, "waits")})
                .created_count(),
            1);
}

TEST_F(CustomerImportMySqlTest, AStreamThatBreaksOffWritesNothing) {
  v1::ImportCustomersResponse response;
  absl::Status status =
      Import({Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme", "acme.com")})}, response,
             absl::CancelledError("the client cancelled the call"));
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
}

TEST_F(CustomerImportMySqlTest, ModeIsRequiredFirstAndMayNotChange) {
  v1::ImportCustomersResponse response;
  absl::Status no_mode =
      Import({Message(v1::IMPORT_MODE_UNSPECIFIED, {Row("1", "Acme")})}, response);
  EXPECT_EQ(no_mode.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_mode.message()), HasSubstr("mode"));
  absl::Status empty = Import({}, response);
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  absl::Status changed = Import({Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme")}),
                                 Message(v1::IMPORT_MODE_SKIP_DUPLICATES, {Row("2", "Beta")})},
                                response);
  EXPECT_EQ(changed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(changed.message()), HasSubstr("IMPORT_MODE_SKIP_DUPLICATES"));
  std::vector<v1::ImportRow> too_many;
  for (int i = 0; i <= kMaxImportRowsPerMessage; ++i) too_many.push_back(Row("r", "Row"));
  absl::Status oversized = Import({Message(v1::IMPORT_MODE_CREATE, too_many)}, response);
  EXPECT_EQ(oversized.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(oversized.message()), HasSubstr("rows: at most 1000"));
  absl::Status bad_request_id =
      Import({Message(v1::IMPORT_MODE_CREATE, {Row("1", "Acme")}, std::string(200, 'r'))},
             response);
  EXPECT_EQ(bad_request_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_request_id.message()), HasSubstr("request_id"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
}

TEST_F(CustomerImportMySqlTest, AnImportAboveTheRowLimitIsRejectedWhole) {
  std::vector<Request> messages;
  for (int chunk = 0; chunk * kMaxImportRowsPerMessage <= kMaxImportRows; ++chunk) {
    std::vector<v1::ImportRow> rows;
    for (int i = 0; i < kMaxImportRowsPerMessage; ++i) {
      rows.push_back(Row(absl::StrCat(chunk, "-", i), "Row"));
    }
    messages.push_back(Message(chunk == 0 ? v1::IMPORT_MODE_CREATE : v1::IMPORT_MODE_UNSPECIFIED,
                               std::move(rows)));
  }
  v1::ImportCustomersResponse response;
  absl::Status status = Import(std::move(messages), response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("at most ", kMaxImportRows, " rows per import")));
  EXPECT_EQ(response.results_size(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
}

TEST_F(CustomerImportMySqlTest, ManyRowsAcrossStatementsKeepTheirOrderAndValuesVerbatim) {
  const std::string sql_like = "Robert'); DROP TABLE customers;--";
  const std::string big_text(4000, 'n');
  std::vector<Request> messages;
  for (int chunk = 0; chunk < 3; ++chunk) {
    std::vector<v1::ImportRow> rows;
    for (int i = 0; i < 400; ++i) {
      const int n = chunk * 400 + i;
      v1::ImportRow row = Row(absl::StrCat("line-", n), absl::StrCat("Firma ", n, " 株式会社"),
                              absl::StrCat("firma", n, ".example"));
      if (n == 7) row.mutable_customer()->set_display_name(sql_like);
      if (n == 8) row.mutable_customer()->mutable_needs()->set_text(big_text);
      rows.push_back(std::move(row));
    }
    messages.push_back(Message(chunk == 0 ? v1::IMPORT_MODE_CREATE : v1::IMPORT_MODE_UNSPECIFIED,
                               std::move(rows)));
  }
  v1::ImportCustomersResponse response = MustImport(messages);

  ASSERT_EQ(response.results_size(), 1200);
  EXPECT_EQ(response.created_count(), 1200);
  for (int n = 0; n < 1200; n += 111) {
    EXPECT_EQ(response.results(n).row_id(), absl::StrCat("line-", n));
    v1::Customer customer = Get(response.results(n).customer());
    EXPECT_EQ(customer.display_name(), absl::StrCat("Firma ", n, " 株式会社"));
    EXPECT_EQ(customer.organization_key().web_domain(), absl::StrCat("firma", n, ".example"));
  }
  EXPECT_EQ(Get(response.results(7).customer()).display_name(), sql_like);
  EXPECT_EQ(Get(response.results(8).customer()).needs().text(), big_text);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions"), 1200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), 1200);
}

}  // namespace
}  // namespace crm::customer
