#include "common/config/service_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace crm::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ServiceConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/crm_config_test_XXXXXX";
    const int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    password_file_ = name;
    std::ofstream(password_file_) << "s3cret-pw\n";
  }
  void TearDown() override { std::remove(password_file_.c_str()); }

  EnvLookup Env() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  std::vector<std::string> RequiredArgs() const {
    return {"--db_user=crm_customer", "--db_password_file=" + password_file_,
            "--auth_tokens_file=/etc/crm/tokens"};
  }

  ServiceDefaults defaults_{"customer_svc", "127.0.0.1:50051", "127.0.0.1:9091", "crm_customer", {}};
  std::map<std::string, std::string> env_;
  std::string password_file_;
};

TEST_F(ServiceConfigTest, DefaultsApplyAndPasswordComesFromItsFile) {
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, RequiredArgs(), Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_address, "127.0.0.1:50051");
  EXPECT_EQ(config->metrics_address, "127.0.0.1:9091");
  EXPECT_EQ(config->db.database, "crm_customer");
  EXPECT_EQ(config->db.port, 3306);
  EXPECT_EQ(config->db.password, "s3cret-pw") << "one trailing newline is dropped";
  EXPECT_EQ(config->db.pool_size, 16);
  EXPECT_EQ(config->worker_threads, 16) << "worker threads follow the pool size by default";
  EXPECT_EQ(config->default_deadline, absl::Seconds(10));
  EXPECT_FALSE(config->tls.enabled());
}

TEST_F(ServiceConfigTest, FlagBeatsEnvironmentBeatsDefault) {
  env_["CRM_DB_PORT"] = "3307";
  env_["CRM_DB_HOST"] = "db.internal";
  std::vector<std::string> args = RequiredArgs();
  args.push_back("--db_port");
  args.push_back("3308");
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, args, Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.port, 3308);
  EXPECT_EQ(config->db.host, "db.internal");
}

TEST_F(ServiceConfigTest, RequiredValuesMayComeFromEnvironment) {
  env_["CRM_DB_USER"] = "u";
  env_["CRM_DB_PASSWORD_FILE"] = password_file_;
  env_["CRM_AUTH_TOKENS_FILE"] = "/t";
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, {}, Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.user, "u");
}

TEST_F(ServiceConfigTest, AllMissingRequiredValuesAreNamedTogether) {
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, {}, Env());
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--db_user (or CRM_DB_USER)"));
  EXPECT_THAT(config.status().message(), HasSubstr("--db_password_file (or CRM_DB_PASSWORD_FILE)"));
  EXPECT_THAT(config.status().message(), HasSubstr("--auth_tokens_file (or CRM_AUTH_TOKENS_FILE)"));
}

TEST_F(ServiceConfigTest, MissingPasswordFileNamesFlagAndPathButNoSecret) {
  std::vector<std::string> args = {"--db_user=u", "--db_password_file=/nonexistent/pw",
                                   "--auth_tokens_file=/t"};
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, args, Env());
  ASSERT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("--db_password_file"));
  EXPECT_THAT(config.status().message(), HasSubstr("/nonexistent/pw"));
}

TEST_F(ServiceConfigTest, RejectsUnknownFlagsAndBadNumbers) {
  std::vector<std::string> args = RequiredArgs();
  args.push_back("--db_prot=1");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("unknown flag --db_prot"));

  args = RequiredArgs();
  args.push_back("--db_port=70000");
  absl::Status status = ParseServiceConfig(defaults_, args, Env()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--db_port (CRM_DB_PORT): must be a whole number from 1 to 65535"));

  args = RequiredArgs();
  args.push_back("--db_pool_size=abc");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("--db_pool_size"));

  args = RequiredArgs();
  args.push_back("--log_level=loud");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("--log_level"));

  args = RequiredArgs();
  args.push_back("positional");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("unexpected argument"));

  args = RequiredArgs();
  args.push_back("--db_port");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("needs a value"));
}

TEST_F(ServiceConfigTest, TlsNeedsCertAndKeyTogether) {
  std::vector<std::string> args = RequiredArgs();
  args.push_back("--tls_cert_file=/c.pem");
  EXPECT_THAT(ParseServiceConfig(defaults_, args, Env()).status().message(),
              HasSubstr("set both"));
  args.push_back("--tls_key_file=/k.pem");
  args.push_back("--tls_client_ca_file=/ca.pem");
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, args, Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->tls.enabled());
  EXPECT_EQ(config->tls.client_ca_file, "/ca.pem");

  std::vector<std::string> ca_only = RequiredArgs();
  ca_only.push_back("--tls_client_ca_file=/ca.pem");
  EXPECT_THAT(ParseServiceConfig(defaults_, ca_only, Env()).status().message(),
              HasSubstr("mutual TLS"));
}

TEST_F(ServiceConfigTest, ExtraFlagsOfOneServiceAreParsed) {
  defaults_.extra_flags.push_back({"customer_target", "customer_svc address", "127.0.0.1:50051"});
  env_["CRM_CUSTOMER_TARGET"] = "customer:50051";
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, RequiredArgs(), Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->extra.at("customer_target"), "customer:50051");
}

TEST_F(ServiceConfigTest, ExtraIntFlagChecksTheRangeNamingTheFlag) {
  defaults_.extra_flags.push_back({"max_concurrent_imports", "writing imports", "3"});
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, RequiredArgs(), Env());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(ExtraIntFlag(*config, "max_concurrent_imports", 1, 16).value_or(-1), 3);

  for (const std::string value : {"0", "17", "three"}) {
    config->extra["max_concurrent_imports"] = value;
    absl::StatusOr<int> parsed = ExtraIntFlag(*config, "max_concurrent_imports", 1, 16);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << value;
    EXPECT_THAT(parsed.status().message(),
                HasSubstr("--max_concurrent_imports (CRM_MAX_CONCURRENT_IMPORTS): must be a "
                          "whole number from 1 to 16, got \"" +
                          value + "\""));
  }
}

TEST_F(ServiceConfigTest, DescriptionRedactsThePassword) {
  absl::StatusOr<ServiceConfig> config = ParseServiceConfig(defaults_, RequiredArgs(), Env());
  ASSERT_TRUE(config.ok());
  const std::string line = DescribeConfig(*config);
  EXPECT_THAT(line, Not(HasSubstr("s3cret-pw")));
  EXPECT_THAT(line, HasSubstr("db_password=<redacted>"));
  EXPECT_THAT(line, HasSubstr("db=crm_customer@127.0.0.1:3306/crm_customer"));
}

TEST_F(ServiceConfigTest, HelpListsEveryFlagWithItsEnvironmentVariable) {
  const std::string help = FlagsHelp("customer_svc", ServiceFlagSpecs(defaults_));
  EXPECT_THAT(help, HasSubstr("--db_password_file (CRM_DB_PASSWORD_FILE) required"));
  EXPECT_THAT(help, HasSubstr("[default: 127.0.0.1:50051]"));
}

}  // namespace
}  // namespace crm::common
