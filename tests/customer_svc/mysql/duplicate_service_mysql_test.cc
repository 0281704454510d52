// DuplicateService with the MySQL repositories against a fresh TestDatabase
// schema carrying customer_svc's migrations: rules, detection, preview, merge
// and unmerge with every child table.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/mysql/transaction.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/duplicate_rules.h"
#include "customer_svc/domain/duplicate_service.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "customer_svc/repository/mysql_duplicate_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using TableDump = std::map<std::string, std::vector<std::string>>;

class DuplicateServiceMySqlTest : public ::testing::Test {
 protected:
  DuplicateServiceMySqlTest()
      : pool_(database_.options()),
        customer_repository_(pool_),
        duplicate_repository_(pool_),
        customers_(customer_repository_, [this] { return now_; }),
        service_(duplicate_repository_, customer_repository_, [this] { return now_; }) {
    call_.caller.team = "sales";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + absl::Seconds(60);
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                IsOk());
  }

  v1::Customer Create(const std::string& display_name, const std::string& email = "",
                      const std::string& phone = "", const std::string& domain = "") {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->set_email(email);
    request.mutable_customer()->set_phone(phone);
    if (!domain.empty()) {
      request.mutable_customer()->mutable_organization_key()->set_web_domain(domain);
    }
    v1::CreateCustomerResponse response;
    absl::Status status = customers_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response.customer();
  }

  v1::Customer Get(const std::string& name) {
    v1::GetCustomerRequest request;
    request.set_name(name);
    v1::GetCustomerResponse response;
    absl::Status status = customers_.GetCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.customer();
  }

  v1::DuplicateRule Rule(const std::string& display_name, const std::string& field,
                         v1::Normalizer normalizer, v1::MatchType match_type = v1::MATCH_TYPE_EXACT,
                         int distance = 0) {
    v1::DuplicateRule rule;
    rule.set_display_name(display_name);
    rule.set_enabled(true);
    v1::MatchCondition& condition = *rule.add_conditions();
    condition.set_field_path(field);
    condition.set_normalizer(normalizer);
    condition.set_match_type(match_type);
    condition.set_max_edit_distance(distance);
    return rule;
  }

  absl::StatusOr<v1::DuplicateRule> CreateRule(const v1::DuplicateRule& rule,
                                               const std::string& request_id = "") {
    v1::CreateDuplicateRuleRequest request;
    *request.mutable_duplicate_rule() = rule;
    request.set_request_id(request_id);
    v1::CreateDuplicateRuleResponse response;
    absl::Status status = service_.CreateDuplicateRule(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.duplicate_rule();
  }

  std::vector<std::vector<std::string>> Find(const std::string& customer,
                                             const std::vector<std::string>& rules = {}) {
    std::vector<std::vector<std::string>> groups;
    std::string token;
    do {
      v1::FindDuplicatesRequest request;
      request.set_customer(customer);
      for (const std::string& rule : rules) request.add_rules(rule);
      request.set_page_size(1);
      request.set_page_token(token);
      v1::FindDuplicatesResponse response;
      absl::Status status = service_.FindDuplicates(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      EXPECT_LE(response.candidates_size(), 1);
      for (const v1::DuplicateCandidate& candidate : response.candidates()) {
        groups.emplace_back(candidate.customers().begin(), candidate.customers().end());
      }
      token = response.next_page_token();
    } while (!token.empty());
    return groups;
  }

  absl::Status Merge(const v1::Customer& survivor, const std::vector<v1::Customer>& merged,
                     v1::MergeCustomersResponse& response, const std::string& request_id = "",
                     const std::string& etag = "") {
    v1::MergeCustomersRequest request;
    request.set_survivor(survivor.name());
    request.set_etag(etag.empty() ? survivor.etag() : etag);
    for (const v1::Customer& customer : merged) request.add_merged_customers(customer.name());
    request.set_request_id(request_id);
    now_ += absl::Seconds(1);
    return service_.MergeCustomers(call_, request, response);
  }

  absl::Status Unmerge(const std::string& merge, v1::UnmergeCustomersResponse& response,
                       const std::string& request_id = "") {
    v1::UnmergeCustomersRequest request;
    request.set_merge(merge);
    request.set_request_id(request_id);
    now_ += absl::Seconds(1);
    return service_.UnmergeCustomers(call_, request, response);
  }

  void Sql(const std::string& statement) {
    ASSERT_THAT(test_support::ExecuteSql(pool_, statement), IsOk());
  }

  int64_t Int(const std::string& query) {
    absl::StatusOr<int64_t> value = test_support::QueryInt(pool_, query);
    EXPECT_THAT(value, IsOk());
    return value.ok() ? *value : -1;
  }

  static int64_t Id(const v1::Customer& customer) {
    return std::stoll(customer.name().substr(customer.name().find('/') + 1));
  }

  // One row of every child table for `customer` (and an employee assignment,
  // a referral in both roles, a win-back attempt).
  void AddChildRows(const v1::Customer& customer, const std::string& tag) {
    const std::string id = std::to_string(Id(customer));
    const std::string t = "'2024-01-02 03:04:05.000006'";
    Sql(absl::StrCat(
        "INSERT INTO opportunities (customer_id, title, description, pipeline_stage_id, "
        "probability_percent, amount_minor, currency_code, weighted_amount_minor, "
        "expected_close_date, owner, state, lost_reason, close_time, skus, partner_deal, version, "
        "create_time, update_time) SELECT ",
        id, ", 'Deal ", tag,
        "', 'd', MIN(id), 10, 1000, "
        "'EUR', 100, '2024-06-01', '', 1, '', NULL, '[]', '', 3, ",
        t, ", ", t, " FROM pipeline_stages"));
    Sql(absl::StrCat(
        "INSERT INTO employees (display_name, email, phone, role, team, max_accounts, "
        "accepts_assignments, version, create_time, update_time) VALUES ('Emp ",
        tag, "', 'emp", tag, "@x.example', '', 1, 'sales', 10, TRUE, 1, ", t, ", ", t, ")"));
    Sql(
        absl::StrCat("INSERT INTO customer_assignments (customer_id, employee_id, role, automatic, "
                     "start_time, end_time) SELECT ",
                     id, ", MAX(id), 2, FALSE, ", t, ", NULL FROM employees"));
    Sql(absl::StrCat(
        "INSERT INTO interactions (customer_id, channel, direction, subject, summary, sentiment, "
        "occur_time, employee, details, version, create_time, update_time) VALUES (",
        id, ", 1, 1, 'Call ", tag, "', 'summary ", tag, "', 1, ", t, ", '', '', 2, ", t, ", ", t,
        ")"));
    Sql(absl::StrCat(
        "INSERT INTO service_cases (customer_id, case_number, subject, description, priority, "
        "status, assignee, sla_due_time, escalation_level, resolution, csat_score, csat_comment, "
        "version, create_time, update_time) VALUES (",
        id, ", 'CS-", tag,
        "', 'Broken', 'd', 1, 1, "
        "'', ",
        t, ", 0, '', 0, '', 1, ", t, ", ", t, ")"));
    Sql(absl::StrCat(
        "INSERT INTO purchases (customer_id, order_reference, sku, description, quantity, "
        "unit_price_minor, amount_minor, currency, price_rule_kind, price_rule, "
        "price_rule_description, purchase_time, state, supplier_id, version, create_time, "
        "update_time) VALUES (",
        id, ", 'PO-", tag,
        "', 'SKU1', '', 2, 500, 1000, 'EUR', 1, '', "
        "'', ",
        t, ", 1, 7, 1, ", t, ", ", t, ")"));
    Sql(absl::StrCat(
        "INSERT INTO loyalty_transactions (customer_id, kind, points, balance_after_points, "
        "reason, reference, request_id, create_time) VALUES (",
        id,
        ", 1, 50, 50, 'welcome', '', "
        "'', ",
        t, ")"));
    Sql(absl::StrCat(
        "INSERT INTO feedback (customer_id, kind, score, comment, nps_category, subject, "
        "respond_time, create_time) VALUES (",
        id, ", 1, 9, 'great ", tag, "', 1, '', ", t, ", ", t, ")"));
    Sql(absl::StrCat(
        "INSERT INTO win_back_campaigns (display_name, state, start_date, end_date, details, "
        "version, create_time, update_time) VALUES ('Campaign ",
        tag,
        "', 1, '2024-01-01', "
        "'2024-12-31', '', 1, ",
        t, ", ", t, ")"));
    Sql(absl::StrCat(
        "INSERT INTO win_back_attempts (campaign_id, customer_id, state, assignee, note, version, "
        "create_time, update_time) SELECT MAX(id), ",
        id, ", 1, '', '', 1, ", t, ", ", t, " FROM win_back_campaigns"));
    Sql(absl::StrCat(
        "INSERT INTO special_prices (customer_id, sku, unit_price_minor, currency, min_quantity, "
        "valid_from, valid_until, reason, approved_by, version, create_time, update_time) VALUES (",
        id, ", 'SKU-", tag, "', 900, 'EUR', 1, '2024-01-01', '2024-12-31', 'loyal', '', 1, ", t,
        ", ", t, ")"));
  }

  // A referral "referrer referred referred".
  void AddReferral(const v1::Customer& referrer, const v1::Customer& referred) {
    Sql(absl::StrCat(
        "INSERT INTO referrals (customer_id, referred_customer_id, referee_display_name, "
        "referee_email, state, reward_points, decline_reason, version, create_time, update_time) "
        "VALUES (",
        Id(referrer), ", ", Id(referred),
        ", 'Friend', '', 1, 0, '', 1, "
        "'2024-01-01 00:00:00', '2024-01-01 00:00:00')"));
  }

  // Every row of every child table (and the customers that are not `except`),
  // each as text, for exact before/after comparisons.
  TableDump Dump(const std::set<int64_t>& except_customers = {}) {
    TableDump dump;
    std::set<std::string> tables;
    for (const MergeChildColumn& child : kMergeChildColumns)
      tables.insert(std::string(child.table));
    absl::Status status =
        common::RunWithConnection(pool_, absl::InfiniteFuture(), [&](sql::Connection& c) {
          for (const std::string& table : tables) {
            std::unique_ptr<sql::PreparedStatement> statement(
                c.prepareStatement(absl::StrCat("SELECT * FROM `", table, "` ORDER BY id")));
            std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
            sql::ResultSetMetaData* meta = rows->getMetaData();
            while (rows->next()) {
              if (table == "customers" && except_customers.contains(rows->getInt64("id"))) continue;
              std::vector<std::string> values;
              for (unsigned int i = 1; i <= meta->getColumnCount(); ++i) {
                values.push_back(rows->isNull(i) ? "NULL" : std::string(rows->getString(i)));
              }
              dump[table].push_back(absl::StrJoin(values, "|"));
            }
          }
          return absl::OkStatus();
        });
    EXPECT_THAT(status, IsOk());
    return dump;
  }

  // Child rows (over every listed column) that point at `customer`.
  int64_t ChildRowsOf(const v1::Customer& customer) {
    int64_t total = 0;
    for (const MergeChildColumn& child : kMergeChildColumns) {
      total += Int(absl::StrCat("SELECT COUNT(*) FROM `", std::string(child.table), "` WHERE `",
                                std::string(child.customer_column), "` = ", Id(customer)));
    }
    return total;
  }

  static v1::Customer WithoutVersionAndUpdateTime(v1::Customer customer) {
    customer.clear_etag();
    customer.clear_update_time();
    return customer;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlCustomerRepository customer_repository_;
  MySqlDuplicateRepository duplicate_repository_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  CustomerService customers_;
  DuplicateService service_;
  common::CallContext call_;
};

// ---------------------------------------------------------------- rules

TEST_F(DuplicateServiceMySqlTest, RuleCreateGetUpdateDeleteUndelete) {
  const std::string weird = "Same e-mail'); DROP TABLE duplicate_rules; -- ✓ Ünïcödé";
  absl::StatusOr<v1::DuplicateRule> created =
      CreateRule(Rule(weird, "email", v1::NORMALIZER_UNSPECIFIED));
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->display_name(), weird);
  EXPECT_EQ(created->conditions(0).normalizer(), v1::NORMALIZER_NONE);  // default filled in
  EXPECT_EQ(created->conditions(0).match_type(), v1::MATCH_TYPE_EXACT);

  v1::GetDuplicateRuleRequest get;
  get.set_name(created->name());
  v1::GetDuplicateRuleResponse got;
  ASSERT_THAT(service_.GetDuplicateRule(call_, get, got), IsOk());
  EXPECT_EQ(got.duplicate_rule().SerializeAsString(), created->SerializeAsString());
  get.set_name("duplicateRules/99999");
  absl::Status missing = service_.GetDuplicateRule(call_, get, got);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("duplicateRules/99999"));

  v1::UpdateDuplicateRuleRequest update;
  *update.mutable_duplicate_rule() = *created;
  update.mutable_duplicate_rule()->set_display_name("Renamed");
  update.mutable_duplicate_rule()->set_enabled(false);
  update.mutable_update_mask()->add_paths("display_name");
  v1::UpdateDuplicateRuleResponse updated;
  ASSERT_THAT(service_.UpdateDuplicateRule(call_, update, updated), IsOk());
  EXPECT_EQ(updated.duplicate_rule().display_name(), "Renamed");
  EXPECT_TRUE(updated.duplicate_rule().enabled());  // outside the mask
  EXPECT_NE(updated.duplicate_rule().etag(), created->etag());
  // The old etag is stale now.
  EXPECT_EQ(service_.UpdateDuplicateRule(call_, update, updated).code(),
            absl::StatusCode::kAborted);
  update.mutable_duplicate_rule()->set_etag(updated.duplicate_rule().etag());
  update.mutable_update_mask()->set_paths(0, "etag");
  absl::Status bad_mask = service_.UpdateDuplicateRule(call_, update, updated);
  EXPECT_EQ(bad_mask.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_mask.message()), HasSubstr("update_mask"));
  update.mutable_update_mask()->set_paths(0, "conditions");
  update.mutable_duplicate_rule()->mutable_conditions(0)->set_field_path("secret");
  absl::Status bad_field = service_.UpdateDuplicateRule(call_, update, updated);
  EXPECT_EQ(bad_field.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_field.message()),
              HasSubstr("duplicate_rule.conditions[0].field_path"));

  v1::DeleteDuplicateRuleRequest remove;
  remove.set_name(created->name());
  remove.set_etag(created->etag());  // stale
  v1::DeleteDuplicateRuleResponse removed;
  EXPECT_EQ(service_.DeleteDuplicateRule(call_, remove, removed).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(updated.duplicate_rule().etag());
  ASSERT_THAT(service_.DeleteDuplicateRule(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.duplicate_rule().has_delete_time());
  EXPECT_EQ(service_.DeleteDuplicateRule(call_, remove, removed).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ListDuplicateRulesRequest list;
  v1::ListDuplicateRulesResponse listed;
  ASSERT_THAT(service_.ListDuplicateRules(call_, list, listed), IsOk());
  EXPECT_EQ(listed.duplicate_rules_size(), 0);
  list.set_show_deleted(true);
  ASSERT_THAT(service_.ListDuplicateRules(call_, list, listed), IsOk());
  EXPECT_EQ(listed.duplicate_rules_size(), 1);

  v1::UndeleteDuplicateRuleRequest undelete;
  undelete.set_name(created->name());
  undelete.set_etag(removed.duplicate_rule().etag());
  v1::UndeleteDuplicateRuleResponse undeleted;
  ASSERT_THAT(service_.UndeleteDuplicateRule(call_, undelete, undeleted), IsOk());
  EXPECT_FALSE(undeleted.duplicate_rule().has_delete_time());
  EXPECT_EQ(service_.UndeleteDuplicateRule(call_, undelete, undeleted).code(),
            absl::StatusCode::kFailedPrecondition);
  // Every change was audited.
  EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '",
                             created->name(), "'")),
            4);
}

TEST_F(DuplicateServiceMySqlTest, CreateRuleValidatesEveryFieldAndReplays) {
  struct Case {
    v1::DuplicateRule rule;
    std::string field;
  };
  v1::DuplicateRule no_name = Rule("", "email", v1::NORMALIZER_EMAIL);
  v1::DuplicateRule long_name = Rule(std::string(201, 'x'), "email", v1::NORMALIZER_EMAIL);
  v1::DuplicateRule no_conditions = Rule("x", "email", v1::NORMALIZER_EMAIL);
  no_conditions.clear_conditions();
  v1::DuplicateRule bad_field = Rule("x", "password", v1::NORMALIZER_EMAIL);
  v1::DuplicateRule bad_normalizer = Rule("x", "email", static_cast<v1::Normalizer>(99));
  v1::DuplicateRule fuzzy_without_distance =
      Rule("x", "display_name", v1::NORMALIZER_LOWERCASE, v1::MATCH_TYPE_FUZZY, 0);
  v1::DuplicateRule fuzzy_too_far =
      Rule("x", "display_name", v1::NORMALIZER_LOWERCASE, v1::MATCH_TYPE_FUZZY, 6);
  v1::DuplicateRule exact_with_distance =
      Rule("x", "display_name", v1::NORMALIZER_LOWERCASE, v1::MATCH_TYPE_EXACT, 2);
  v1::DuplicateRule postal_only = Rule("x", "postal_address.postal_code", v1::NORMALIZER_NONE);
  v1::DuplicateRule too_many = Rule("x", "email", v1::NORMALIZER_EMAIL);
  for (int i = 0; i < 10; ++i) *too_many.add_conditions() = too_many.conditions(0);
  for (const Case& c : std::vector<Case>{
           {no_name, "duplicate_rule.display_name"},
           {long_name, "duplicate_rule.display_name"},
           {no_conditions, "duplicate_rule.conditions"},
           {too_many, "duplicate_rule.conditions"},
           {bad_field, "duplicate_rule.conditions[0].field_path"},
           {bad_normalizer, "duplicate_rule.conditions[0].normalizer"},
           {fuzzy_without_distance, "duplicate_rule.conditions[0].max_edit_distance"},
           {fuzzy_too_far, "duplicate_rule.conditions[0].max_edit_distance"},
           {exact_with_distance, "duplicate_rule.conditions[0].max_edit_distance"},
           {postal_only, "duplicate_rule.conditions"},
       }) {
    absl::StatusOr<v1::DuplicateRule> created = CreateRule(c.rule);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(created.status().message()), HasSubstr(c.field));
  }
  EXPECT_EQ(Int("SELECT COUNT(*) FROM duplicate_rules"), 0);

  absl::StatusOr<v1::DuplicateRule> first =
      CreateRule(Rule("a", "email", v1::NORMALIZER_EMAIL), "rule-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::DuplicateRule> replay =
      CreateRule(Rule("a", "email", v1::NORMALIZER_EMAIL), "rule-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM duplicate_rules"), 1);
  EXPECT_EQ(CreateRule(Rule("b", "phone", v1::NORMALIZER_PHONE), "rule-1").status().code(),
            absl::StatusCode::kAlreadyExists);
  std::string ten_kb(10240, 'y');
  v1::DuplicateRule big = Rule(ten_kb, "email", v1::NORMALIZER_EMAIL);
  EXPECT_EQ(CreateRule(big).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DuplicateServiceMySqlTest, ListRulesPagesInEveryOrderAndFilters) {
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    v1::DuplicateRule rule = Rule(absl::StrCat("rule ", 9 - i), "email", v1::NORMALIZER_EMAIL);
    rule.set_enabled(i % 2 == 0);
    absl::StatusOr<v1::DuplicateRule> created = CreateRule(rule);
    ASSERT_THAT(created, IsOk());
    names.push_back(created->name());
  }
  auto list_all = [&](const std::string& order_by, const std::string& filter) {
    std::vector<std::string> listed;
    std::string token;
    do {
      v1::ListDuplicateRulesRequest request;
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_page_token(token);
      v1::ListDuplicateRulesResponse response;
      absl::Status status = service_.ListDuplicateRules(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& rule : response.duplicate_rules()) listed.push_back(rule.name());
      token = response.next_page_token();
    } while (!token.empty());
    return listed;
  };
  EXPECT_EQ(list_all("create_time", ""), names);
  EXPECT_EQ(list_all("display_name desc", ""), names);  // "rule 9" .. "rule 3"
  std::vector<std::string> reversed(names.rbegin(), names.rend());
  EXPECT_EQ(list_all("", ""), reversed);
  EXPECT_EQ(list_all("", "enabled = false").size(), 3u);
  EXPECT_EQ(list_all("", "display_name : \"9\"").size(), 1u);

  v1::ListDuplicateRulesRequest bad;
  bad.set_filter("secret = 1");
  v1::ListDuplicateRulesResponse response;
  EXPECT_EQ(service_.ListDuplicateRules(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
  bad.set_filter("");
  bad.set_order_by("email");
  EXPECT_EQ(service_.ListDuplicateRules(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
  bad.set_order_by("");
  bad.set_page_token("garbage");
  EXPECT_EQ(service_.ListDuplicateRules(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------- detection

// The SQL keys the repository groups by are the C++ normalizers, value by value.
TEST_F(DuplicateServiceMySqlTest, SqlNormalizersAgreeWithNormalizeValue) {
  const std::vector<std::string> values = {"  Acme GmbH & Co. KG ",
                                           "ACME, Inc.",
                                           "S.A. Holding S.A.",
                                           "Inc",
                                           "Müller ÄÖÜ Straße",
                                           "ΣΩΚΡΑΤΗΣ Привет",
                                           "John.Doe+News@Example.COM",
                                           "https://www.Example.com:8080/path?q#x",
                                           "user@mail.example.org",
                                           "+1 (415) 555-0123",
                                           "a\tb\nc",
                                           "x..",
                                           "",
                                           "   ",
                                           "日本語 Ltd",
                                           "O'Brien & Sons Ltd.",
                                           "www.WWW.example",
                                           "%_!'\"\\",
                                           "Robert'); DROP TABLE x; --"};
  std::vector<v1::Normalizer> normalizers;
  for (int n = v1::Normalizer_MIN; n <= v1::Normalizer_MAX; ++n) {
    normalizers.push_back(static_cast<v1::Normalizer>(n));
  }
  absl::Status status =
      common::RunWithConnection(pool_, absl::InfiniteFuture(), [&](sql::Connection& c) {
        for (const std::string& value : values) {
          std::unique_ptr<sql::PreparedStatement> insert(c.prepareStatement(
              "INSERT INTO customers (kind, display_name, email, phone, lifecycle_stage, "
              "stage_enter_time, tier, source_kind, account_manager, details, version, "
              "create_time, update_time) VALUES (2, ?, '', '', 1, '2024-01-01', 1, 0, '', '', 1, "
              "'2024-01-01', '2024-01-01')"));
          insert->setString(1, value);
          insert->executeUpdate();
          for (v1::Normalizer normalizer : normalizers) {
            std::unique_ptr<sql::PreparedStatement> select(c.prepareStatement(absl::StrCat(
                "SELECT ",
                MySqlDuplicateRepository::KeySql({MatchField::kDisplayName, normalizer}, "c"),
                " AS k FROM customers c WHERE c.id = LAST_INSERT_ID()")));
            std::unique_ptr<sql::ResultSet> row(select->executeQuery());
            EXPECT_TRUE(row->next());
            EXPECT_EQ(std::string(row->getString("k")), NormalizeValue(normalizer, value))
                << v1::Normalizer_Name(normalizer) << " of \"" << value << "\"";
          }
        }
        return absl::OkStatus();
      });
  EXPECT_THAT(status, IsOk());
}

TEST_F(DuplicateServiceMySqlTest, FindsDuplicatesByEmailPhoneAndDomainRules) {
  v1::Customer a = Create("Acme GmbH", "John.Doe+crm@Example.com", "+1 415 555 0100");
  v1::Customer b = Create("ACME gmbh.", "john.doe@example.com", "");
  v1::Customer c = Create("Other", "sales@example.com", "+14155550100");
  v1::Customer d = Create("Lonely", "me@elsewhere.example", "+4930123456");
  absl::StatusOr<v1::DuplicateRule> email =
      CreateRule(Rule("Same e-mail", "email", v1::NORMALIZER_EMAIL));
  absl::StatusOr<v1::DuplicateRule> phone =
      CreateRule(Rule("Same phone", "phone", v1::NORMALIZER_PHONE));
  absl::StatusOr<v1::DuplicateRule> domain =
      CreateRule(Rule("Same mail domain", "email", v1::NORMALIZER_WEB_DOMAIN));
  v1::DuplicateRule company_rule =
      Rule("Same company", "display_name", v1::NORMALIZER_COMPANY_NAME);
  company_rule.set_enabled(false);
  absl::StatusOr<v1::DuplicateRule> company = CreateRule(company_rule);
  ASSERT_THAT(email, IsOk());
  ASSERT_THAT(phone, IsOk());
  ASSERT_THAT(domain, IsOk());
  ASSERT_THAT(company, IsOk());

  // Every enabled rule, one group per page, rules in id order.
  EXPECT_THAT(Find(""),
              ElementsAre(ElementsAre(a.name(), b.name()), ElementsAre(a.name(), c.name()),
                          ElementsAre(a.name(), b.name(), c.name())));
  // Only groups with one customer.
  EXPECT_THAT(Find(c.name()), ElementsAre(ElementsAre(a.name(), c.name()),
                                          ElementsAre(a.name(), b.name(), c.name())));
  EXPECT_TRUE(Find(d.name()).empty());
  // A disabled rule is used when named.
  EXPECT_THAT(Find("", {company->name()}), ElementsAre(ElementsAre(a.name(), b.name())));

  v1::FindDuplicatesRequest request;
  request.add_rules(email->name());
  v1::FindDuplicatesResponse response;
  ASSERT_THAT(service_.FindDuplicates(call_, request, response), IsOk());
  ASSERT_EQ(response.candidates_size(), 1);
  EXPECT_EQ(response.candidates(0).rule(), email->name());
  EXPECT_THAT(response.candidates(0).matched_field_paths(), ElementsAre("email"));

  // Merged (deleted) customers are no candidates.
  v1::MergeCustomersResponse merged;
  ASSERT_THAT(Merge(a, {b}, merged), IsOk());
  EXPECT_THAT(Find("", {email->name()}), ElementsAre());
  request.set_customer(b.name());
  EXPECT_EQ(service_.FindDuplicates(call_, request, response).code(),
            absl::StatusCode::kFailedPrecondition);
  request.set_customer("customers/99999");
  EXPECT_EQ(service_.FindDuplicates(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_customer("");
  request.set_rules(0, "duplicateRules/99999");
  EXPECT_EQ(service_.FindDuplicates(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_rules(0, email->name());
  request.set_page_token("not-a-token");
  EXPECT_EQ(service_.FindDuplicates(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_token("");
  request.set_rules(0, "rules/1");
  absl::Status bad = service_.FindDuplicates(call_, request, response);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("rules[0]"));
}

TEST_F(DuplicateServiceMySqlTest, FuzzyRulesFindTyposAndPostalCodesRefine) {
  v1::Customer a = Create("Jonathan Smith");
  v1::Customer b = Create("jonathon smith");
  v1::Customer c = Create("Jonathan Smyth");
  v1::Customer d = Create("Completely Different");
  v1::Customer e = Create("Jonathan Smith");
  absl::StatusOr<v1::DuplicateRule> fuzzy = CreateRule(
      Rule("Similar name", "display_name", v1::NORMALIZER_LOWERCASE, v1::MATCH_TYPE_FUZZY, 1));
  ASSERT_THAT(fuzzy, IsOk());
  EXPECT_THAT(Find("", {fuzzy->name()}),
              ElementsAre(ElementsAre(a.name(), b.name(), c.name(), e.name())));
  EXPECT_THAT(Find(d.name(), {fuzzy->name()}), ElementsAre());
  // For one customer: it and the customers within the distance of it.
  EXPECT_THAT(Find(b.name(), {fuzzy->name()}),
              ElementsAre(ElementsAre(a.name(), b.name(), e.name())));

  // Same name, refined by postal code: only a and e share one, f has another.
  v1::Customer f = Create("JONATHAN SMITH ");
  for (const auto& [customer, code] : std::vector<std::pair<v1::Customer, std::string>>{
           {a, "10115"}, {e, "10115"}, {f, "80331"}}) {
    v1::UpdateCustomerRequest update;
    update.mutable_customer()->set_name(customer.name());
    update.mutable_customer()->mutable_postal_address()->set_postal_code(code);
    update.mutable_customer()->mutable_postal_address()->set_region_code("DE");
    update.mutable_update_mask()->add_paths("postal_address");
    v1::UpdateCustomerResponse updated;
    ASSERT_THAT(customers_.UpdateCustomer(call_, update, updated), IsOk());
  }
  v1::DuplicateRule refined =
      Rule("Name and postal code", "display_name", v1::NORMALIZER_LOWERCASE);
  v1::MatchCondition& postal = *refined.add_conditions();
  postal.set_field_path("postal_address.postal_code");
  absl::StatusOr<v1::DuplicateRule> with_postal = CreateRule(refined);
  ASSERT_THAT(with_postal, IsOk());
  EXPECT_THAT(Find("", {with_postal->name()}), ElementsAre(ElementsAre(a.name(), e.name())));
}

// ---------------------------------------------------------------- merge

TEST_F(DuplicateServiceMySqlTest, PreviewShowsMovesAndConflictsAndChangesNothing) {
  v1::Customer survivor = Create("Acme", "info@acme.example", "");
  v1::Customer loser = Create("Acme Ltd", "sales@acme.example", "+4930123456", "acme.example");
  AddChildRows(loser, "L");
  const TableDump before = Dump();

  v1::PreviewMergeRequest request;
  request.set_survivor(survivor.name());
  request.add_merged_customers(loser.name());
  v1::PreviewMergeResponse response;
  ASSERT_THAT(service_.PreviewMerge(call_, request, response), IsOk());
  const v1::MergePreview& preview = response.preview();
  EXPECT_EQ(preview.survivor().email(), "info@acme.example");  // survivor's value wins
  EXPECT_EQ(preview.survivor().phone(), "+4930123456");        // empty: filled from the loser
  EXPECT_EQ(preview.survivor().organization_key().web_domain(), "acme.example");
  std::map<std::string, int64_t> moves;
  for (const auto& move : preview.moves()) moves[move.collection()] = move.count();
  EXPECT_EQ(moves["lifecycleTransitions"], 1);
  EXPECT_EQ(moves["opportunities"], 1);
  EXPECT_EQ(moves["interactions"], 1);
  EXPECT_EQ(moves["serviceCases"], 1);
  EXPECT_EQ(moves["purchases"], 1);
  EXPECT_EQ(moves["loyaltyTransactions"], 1);
  EXPECT_EQ(moves["feedback"], 1);
  EXPECT_EQ(moves["winBackAttempts"], 1);
  EXPECT_EQ(moves["assignments"], 1);
  EXPECT_EQ(moves["specialPrices"], 1);
  EXPECT_EQ(moves["referrals"], 0);
  std::map<std::string, v1::FieldConflict> conflicts;
  for (const auto& conflict : preview.conflicts()) conflicts[conflict.field_path()] = conflict;
  ASSERT_TRUE(conflicts.contains("email"));
  EXPECT_EQ(conflicts["email"].chosen_customer(), survivor.name());
  EXPECT_EQ(conflicts["email"].values_size(), 2);
  EXPECT_EQ(conflicts["email"].values(1).value_json(), "\"sales@acme.example\"");
  EXPECT_TRUE(conflicts.contains("display_name"));
  EXPECT_FALSE(conflicts.contains("phone"));  // only one non-empty value

  // A selection overrides the default.
  v1::FieldSelection& selection = *request.add_field_selections();
  selection.set_field_path("email");
  selection.set_source_customer(loser.name());
  ASSERT_THAT(service_.PreviewMerge(call_, request, response), IsOk());
  EXPECT_EQ(response.preview().survivor().email(), "sales@acme.example");
  selection.set_source_customer("customers/424242");
  absl::Status bad = service_.PreviewMerge(call_, request, response);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("field_selections[0].source_customer"));
  selection.set_field_path("etag");
  bad = service_.PreviewMerge(call_, request, response);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("field_selections[0].field_path"));

  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(Get(survivor.name()).etag(), survivor.etag());
}

TEST_F(DuplicateServiceMySqlTest, MergeMovesEveryChildRowAndLeavesATombstone) {
  v1::Customer survivor = Create("Acme", "info@acme.example", "");
  v1::Customer loser = Create("Acme Ltd", "sales@acme.example", "+4930123456", "acme.example");
  v1::Customer other = Create("Other", "x@other.example");
  v1::Customer child = Create("Acme Subsidiary");
  Sql(absl::StrCat("UPDATE customers SET parent_id = ", Id(loser), " WHERE id = ", Id(child)));
  AddChildRows(loser, "L");
  AddChildRows(survivor, "S");
  AddReferral(loser, other);
  AddReferral(other, loser);
  const int64_t loser_rows = ChildRowsOf(loser);
  const int64_t survivor_rows = ChildRowsOf(survivor);
  EXPECT_EQ(loser_rows, 13);  // 10 tables, 2 referral columns, 1 child account

  v1::MergeCustomersResponse response;
  ASSERT_THAT(Merge(survivor, {loser}, response, "merge-1"), IsOk());
  EXPECT_EQ(ChildRowsOf(loser), 0);
  EXPECT_EQ(ChildRowsOf(survivor), survivor_rows + loser_rows);
  EXPECT_EQ(Int(absl::StrCat("SELECT parent_id FROM customers WHERE id = ", Id(child))),
            Id(survivor));
  EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM customer_merge_rows")), loser_rows);

  const v1::Customer& merged_survivor = response.survivor();
  EXPECT_EQ(merged_survivor.email(), "info@acme.example");
  EXPECT_EQ(merged_survivor.phone(), "+4930123456");
  EXPECT_EQ(merged_survivor.organization_key().web_domain(), "acme.example");
  EXPECT_NE(merged_survivor.etag(), survivor.etag());

  v1::Customer tombstone = Get(loser.name());
  EXPECT_EQ(tombstone.merged_into(), survivor.name());
  EXPECT_TRUE(tombstone.has_delete_time());
  // A tombstone comes back only through UnmergeCustomers, never by Undelete.
  v1::UndeleteCustomerRequest undelete;
  undelete.set_name(loser.name());
  v1::UndeleteCustomerResponse undeleted;
  absl::Status revived = customers_.UndeleteCustomer(call_, undelete, undeleted);
  EXPECT_EQ(revived.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(revived.message()), HasSubstr("use UnmergeCustomers"));

  const v1::CustomerMerge& merge = response.merge();
  EXPECT_EQ(merge.survivor(), survivor.name());
  EXPECT_THAT(merge.merged_customers(), ElementsAre(loser.name()));
  EXPECT_EQ(merge.state(), v1::CUSTOMER_MERGE_STATE_MERGED);
  EXPECT_EQ(merge.actor(), "sales");
  EXPECT_EQ(merge.request_id(), "merge-1");
  int64_t moved = 0;
  for (const auto& move : merge.moves()) moved += move.count();
  EXPECT_EQ(moved, loser_rows);

  v1::GetCustomerMergeRequest get;
  get.set_name(merge.name());
  v1::GetCustomerMergeResponse got;
  ASSERT_THAT(service_.GetCustomerMerge(call_, get, got), IsOk());
  EXPECT_EQ(got.customer_merge().SerializeAsString(), merge.SerializeAsString());
  get.set_name("customerMerges/999");
  EXPECT_EQ(service_.GetCustomerMerge(call_, get, got).code(), absl::StatusCode::kNotFound);

  // Both customers and the merge record were audited in the same transaction.
  for (const std::string& resource : {survivor.name(), loser.name()}) {
    EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", resource,
                               "' AND action = ", crm::common::v1::AUDIT_ACTION_MERGE)),
              1)
        << resource;
  }
  EXPECT_EQ(
      Int(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", merge.name(), "'")),
      1);

  // A replay returns the first result and merges nothing again.
  v1::MergeCustomersResponse replay;
  ASSERT_THAT(Merge(survivor, {loser}, replay, "merge-1"), IsOk());
  EXPECT_EQ(replay.SerializeAsString(), response.SerializeAsString());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM customer_merges"), 1);
}

TEST_F(DuplicateServiceMySqlTest, MergeThenUnmergeRestoresBothCustomersAndEveryRowExactly) {
  v1::Customer survivor = Create("Acme", "info@acme.example", "");
  v1::Customer loser = Create("Acme Ltd", "sales@acme.example", "+4930123456", "acme.example");
  v1::Customer second = Create("ACME Inc", "", "", "");
  v1::Customer other = Create("Other", "x@other.example");
  v1::Customer child = Create("Acme Subsidiary");
  Sql(absl::StrCat("UPDATE customers SET parent_id = ", Id(loser), " WHERE id = ", Id(child)));
  AddChildRows(loser, "L");
  AddChildRows(survivor, "S");
  AddChildRows(second, "2");
  AddReferral(loser, other);
  AddReferral(other, second);
  const std::set<int64_t> participants = {Id(survivor), Id(loser), Id(second)};
  const TableDump before = Dump(participants);
  const v1::Customer survivor_before = Get(survivor.name());
  const v1::Customer loser_before = Get(loser.name());
  const v1::Customer second_before = Get(second.name());

  v1::MergeCustomersResponse merged;
  ASSERT_THAT(Merge(survivor, {loser, second}, merged), IsOk());
  EXPECT_NE(Dump(participants), before);

  v1::UnmergeCustomersResponse unmerged;
  ASSERT_THAT(Unmerge(merged.merge().name(), unmerged, "unmerge-1"), IsOk());
  EXPECT_EQ(Dump(participants), before);
  EXPECT_EQ(WithoutVersionAndUpdateTime(Get(survivor.name())).SerializeAsString(),
            WithoutVersionAndUpdateTime(survivor_before).SerializeAsString());
  EXPECT_EQ(WithoutVersionAndUpdateTime(Get(loser.name())).SerializeAsString(),
            WithoutVersionAndUpdateTime(loser_before).SerializeAsString());
  EXPECT_EQ(WithoutVersionAndUpdateTime(Get(second.name())).SerializeAsString(),
            WithoutVersionAndUpdateTime(second_before).SerializeAsString());
  EXPECT_EQ(Get(loser.name()).merged_into(), "");
  EXPECT_EQ(unmerged.merge().state(), v1::CUSTOMER_MERGE_STATE_UNMERGED);
  EXPECT_TRUE(unmerged.merge().has_unmerge_time());
  EXPECT_EQ(unmerged.restored_customers_size(), 2);
  EXPECT_EQ(unmerged.survivor().phone(), "");

  // Replay returns the first result; a second unmerge is refused.
  v1::UnmergeCustomersResponse replay;
  ASSERT_THAT(Unmerge(merged.merge().name(), replay, "unmerge-1"), IsOk());
  EXPECT_EQ(replay.SerializeAsString(), unmerged.SerializeAsString());
  absl::Status again = Unmerge(merged.merge().name(), replay);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.message()), HasSubstr("UNMERGED"));
  EXPECT_EQ(Unmerge("customerMerges/999", replay).code(), absl::StatusCode::kNotFound);

  // The customers can be merged again afterwards.
  v1::MergeCustomersResponse remerged;
  EXPECT_THAT(Merge(Get(survivor.name()), {Get(loser.name())}, remerged), IsOk());
}

TEST_F(DuplicateServiceMySqlTest, UnmergeKeepsLaterChangesAndRefusesConflictingOnes) {
  v1::Customer survivor = Create("Acme", "info@acme.example", "");
  v1::Customer loser = Create("Acme Ltd", "", "+4930123456");
  AddChildRows(loser, "L");
  v1::MergeCustomersResponse merged;
  ASSERT_THAT(Merge(survivor, {loser}, merged), IsOk());
  AddChildRows(merged.survivor(), "after");  // new rows for the survivor stay with it

  // A later change of a field the merge did not touch is kept.
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_name(survivor.name());
  update.mutable_customer()->set_display_name("Acme Renamed");
  update.mutable_update_mask()->add_paths("display_name");
  v1::UpdateCustomerResponse updated;
  ASSERT_THAT(customers_.UpdateCustomer(call_, update, updated), IsOk());

  // A later change of the phone the merge filled in blocks the unmerge.
  update.mutable_customer()->set_phone("+4930999999");
  update.mutable_update_mask()->set_paths(0, "phone");
  ASSERT_THAT(customers_.UpdateCustomer(call_, update, updated), IsOk());
  const TableDump before = Dump();
  v1::UnmergeCustomersResponse unmerged;
  absl::Status conflict = Unmerge(merged.merge().name(), unmerged);
  EXPECT_EQ(conflict.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(conflict.message()), HasSubstr("phone"));
  EXPECT_EQ(Dump(), before);

  // Setting it back to the merged value makes the unmerge possible again.
  update.mutable_customer()->set_phone("+4930123456");
  ASSERT_THAT(customers_.UpdateCustomer(call_, update, updated), IsOk());
  ASSERT_THAT(Unmerge(merged.merge().name(), unmerged), IsOk());
  EXPECT_EQ(unmerged.survivor().display_name(), "Acme Renamed");
  EXPECT_EQ(unmerged.survivor().phone(), "");
  EXPECT_EQ(
      Int(absl::StrCat("SELECT COUNT(*) FROM interactions WHERE customer_id = ", Id(survivor))), 1);
  EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM interactions WHERE customer_id = ", Id(loser))),
            1);
}

TEST_F(DuplicateServiceMySqlTest, UnmergeRefusesWhenAMovedRowMovedOnOrTheTombstoneChanged) {
  v1::Customer survivor = Create("Acme");
  v1::Customer loser = Create("Acme Ltd");
  v1::Customer third = Create("Third");
  AddChildRows(loser, "L");
  v1::MergeCustomersResponse merged;
  ASSERT_THAT(Merge(survivor, {loser}, merged), IsOk());
  Sql(absl::StrCat("UPDATE purchases SET customer_id = ", Id(third)));
  const TableDump before = Dump();
  v1::UnmergeCustomersResponse unmerged;
  absl::Status moved_on = Unmerge(merged.merge().name(), unmerged);
  EXPECT_EQ(moved_on.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(moved_on.message()), HasSubstr("purchases"));
  EXPECT_EQ(Dump(), before);

  Sql(absl::StrCat("UPDATE purchases SET customer_id = ", Id(survivor)));
  // The survivor merged into another customer must be unmerged first.
  v1::MergeCustomersResponse chained;
  ASSERT_THAT(Merge(third, {Get(survivor.name())}, chained), IsOk());
  absl::Status survivor_gone = Unmerge(merged.merge().name(), unmerged);
  EXPECT_EQ(survivor_gone.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(survivor_gone.message()), HasSubstr("undo that merge first"));
  ASSERT_THAT(Unmerge(chained.merge().name(), unmerged), IsOk());
  ASSERT_THAT(Unmerge(merged.merge().name(), unmerged), IsOk());
  EXPECT_EQ(Int(absl::StrCat("SELECT COUNT(*) FROM purchases WHERE customer_id = ", Id(loser))), 1);
}

TEST_F(DuplicateServiceMySqlTest, FailedMergesChangeNothing) {
  v1::Customer survivor = Create("Acme", "info@acme.example");
  v1::Customer loser = Create("Acme Ltd", "sales@acme.example");
  v1::Customer third = Create("Third");
  AddChildRows(loser, "L");
  const TableDump before = Dump();
  v1::MergeCustomersResponse response;

  absl::Status self = Merge(survivor, {survivor}, response);
  EXPECT_EQ(self.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(self.message()), HasSubstr("merged_customers[0]"));
  EXPECT_EQ(Merge(survivor, {}, response).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Merge(survivor, {loser, loser}, response).code(), absl::StatusCode::kInvalidArgument);
  v1::Customer ghost;
  ghost.set_name("customers/987654");
  absl::Status missing = Merge(survivor, {ghost}, response);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("customers/987654"));
  EXPECT_EQ(Merge(survivor, {loser}, response, "", "zz").code(), absl::StatusCode::kAborted);
  v1::MergeCustomersRequest selected;
  selected.set_survivor(survivor.name());
  selected.add_merged_customers(loser.name());
  selected.add_field_selections()->set_field_path("consents");
  absl::Status bad_selection = service_.MergeCustomers(call_, selected, response);
  EXPECT_EQ(bad_selection.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_selection.message()), HasSubstr("field_selections[0].field_path"));
  EXPECT_EQ(Dump(), before);

  // Already merged.
  ASSERT_THAT(Merge(third, {loser}, response), IsOk());
  const TableDump after_first = Dump();
  absl::Status twice = Merge(survivor, {loser}, response);
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("already merged into"));
  EXPECT_EQ(Merge(Get(loser.name()), {survivor}, response).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Dump(), after_first);
}

TEST_F(DuplicateServiceMySqlTest, MergeFailingWhileMovingRowsRollsEverythingBack) {
  v1::Customer survivor = Create("Acme", "info@acme.example");
  v1::Customer loser = Create("Acme Ltd", "sales@acme.example", "+4930123456");
  v1::Customer other = Create("Other");
  // Both were referred: referred_customer_id is unique, so the second move fails
  // after the tombstone, the survivor and the earlier tables were written.
  AddChildRows(loser, "L");
  AddReferral(other, survivor);
  AddReferral(other, loser);
  const TableDump before = Dump();
  v1::MergeCustomersResponse response;
  absl::Status status = Merge(survivor, {loser}, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("referrals"));
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(Get(loser.name()).merged_into(), "");
  EXPECT_EQ(Get(survivor.name()).etag(), survivor.etag());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM customer_merges"), 0);
}

TEST_F(DuplicateServiceMySqlTest, ListCustomerMergesNewestFirstWithFilters) {
  std::vector<std::string> merges;
  v1::Customer survivor = Create("Survivor");
  for (int i = 0; i < 5; ++i) {
    v1::Customer loser = Create(absl::StrCat("Loser ", i));
    v1::MergeCustomersResponse response;
    ASSERT_THAT(Merge(Get(survivor.name()), {loser}, response), IsOk());
    merges.push_back(response.merge().name());
  }
  v1::UnmergeCustomersResponse unmerged;
  ASSERT_THAT(Unmerge(merges[4], unmerged), IsOk());
  auto list_all = [&](const std::string& filter) {
    std::vector<std::string> listed;
    std::string token;
    do {
      v1::ListCustomerMergesRequest request;
      request.set_page_size(2);
      request.set_filter(filter);
      request.set_page_token(token);
      v1::ListCustomerMergesResponse response;
      absl::Status status = service_.ListCustomerMerges(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& merge : response.customer_merges()) listed.push_back(merge.name());
      token = response.next_page_token();
    } while (!token.empty());
    return listed;
  };
  std::vector<std::string> newest_first(merges.rbegin(), merges.rend());
  EXPECT_EQ(list_all(""), newest_first);
  EXPECT_EQ(list_all(absl::StrCat("survivor = ", survivor.name())), newest_first);
  EXPECT_THAT(list_all("state = UNMERGED"), ElementsAre(merges[4]));
  EXPECT_EQ(list_all("state = MERGED").size(), 4u);
  v1::GetCustomerMergeRequest get;
  get.set_name(merges[1]);
  v1::GetCustomerMergeResponse got;
  ASSERT_THAT(service_.GetCustomerMerge(call_, get, got), IsOk());
  EXPECT_THAT(
      list_all(absl::StrCat("merged_customers = ", got.customer_merge().merged_customers(0))),
      ElementsAre(merges[1]));
  v1::ListCustomerMergesRequest bad;
  bad.set_filter("actor = x");
  v1::ListCustomerMergesResponse response;
  EXPECT_EQ(service_.ListCustomerMerges(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
}

// Every column of the schema that points at a customer is in
// kMergeChildColumns, and every line there names a real column.
TEST_F(DuplicateServiceMySqlTest, ChildColumnListCoversEveryCustomerColumnOfTheSchema) {
  std::set<std::string> listed;
  for (const MergeChildColumn& child : kMergeChildColumns) {
    const std::string table(child.table);
    const std::string column(child.customer_column);
    listed.insert(absl::StrCat(table, ".", column));
    EXPECT_EQ(
        Int(absl::StrCat("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                         "DATABASE() AND table_name = '",
                         table, "' AND column_name IN ('", column, "', '",
                         std::string(child.id_column), "')")),
        2)
        << child.table << "." << child.customer_column << " does not exist";
  }
  std::set<std::string> in_schema;
  absl::Status status =
      common::RunWithConnection(pool_, absl::InfiniteFuture(), [&](sql::Connection& c) {
        std::unique_ptr<sql::PreparedStatement> statement(
            c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns "
                               "WHERE table_schema = DATABASE() AND (column_name = 'customer_id' "
                               "OR column_name LIKE '%\\_customer\\_id' "
                               "OR (table_name = 'customers' AND column_name = 'parent_id'))"));
        std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
        while (rows->next()) {
          in_schema.insert(
              absl::StrCat(std::string(rows->getString(1)), ".", std::string(rows->getString(2))));
        }
        // Any other name with a foreign key to customers counts too, except the
        // merge journal's own references.
        std::unique_ptr<sql::PreparedStatement> keys(c.prepareStatement(
            "SELECT table_name, column_name FROM information_schema.key_column_usage "
            "WHERE table_schema = DATABASE() AND referenced_table_name = 'customers' "
            "AND table_name NOT IN ('customer_merges', 'customer_merge_members')"));
        std::unique_ptr<sql::ResultSet> references(keys->executeQuery());
        while (references->next()) {
          in_schema.insert(absl::StrCat(std::string(references->getString(1)), ".",
                                        std::string(references->getString(2))));
        }
        return absl::OkStatus();
      });
  ASSERT_THAT(status, IsOk());
  EXPECT_FALSE(in_schema.empty());
  for (const std::string& column : in_schema) {
    EXPECT_TRUE(listed.contains(column))
        << column << " references a customer but is missing from kMergeChildColumns";
  }
}

}  // namespace
}  // namespace crm::customer
