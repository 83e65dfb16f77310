# home-manager module for ai-observer: the agent as a systemd user service, its config.yaml
# (so the CLI, the hooks and the service agree on the port), and optional OpenTelemetry
# export whose bearer token is read from a file when the service starts — never copied into
# the Nix store.
#
#   imports = [ ./path/to/ai-observer/nix/home-manager.nix ];
#   services.ai-observer = {
#     enable = true;
#     package = pkgs.ai-observer;          # your build of the npm package
#     port = 4318;
#     notifications = true;
#     export.endpoint = "https://otel.example.internal:4318";
#     export.tokenFile = "/run/agenix/ai-observer-otel-token";
#   };
{ config, lib, pkgs, ... }:

let
  cfg = config.services.ai-observer;
  yaml = pkgs.formats.yaml { };

  settings = lib.recursiveUpdate {
    server = {
      host = "127.0.0.1";
      port = cfg.port;
      grpcPort = cfg.grpcPort;
    };
    notifications.enabled = cfg.notifications;
  } cfg.settings;

  configFile = yaml.generate "ai-observer-config.yaml" settings;

  # The token is read at start, from the file, into the environment of the agent only.
  start = pkgs.writeShellScript "ai-observer-start" ''
    set -eu
    ${lib.optionalString (cfg.export.tokenFile != null) ''
      if [ ! -r ${lib.escapeShellArg cfg.export.tokenFile} ]; then
        echo "ai-observer: cannot read the export token file ${cfg.export.tokenFile}" >&2
        exit 1
      fi
      OTEL_BEARER_TOKEN="$(${pkgs.coreutils}/bin/tr -d '\n' < ${lib.escapeShellArg cfg.export.tokenFile})"
      export OTEL_BEARER_TOKEN
    ''}
    exec ${lib.getExe' cfg.package "ai-observer"} serve
  '';
in
{
  options.services.ai-observer = {
    enable = lib.mkEnableOption "ai-observer, the local agent that shows what AI coding tools are doing and what they cost";

    package = lib.mkPackageOption pkgs "ai-observer" { };

    port = lib.mkOption {
      type = lib.types.port;
      default = 4318;
      description = "Port of OTLP/HTTP, the hooks, the API and the dashboard on 127.0.0.1.";
    };

    grpcPort = lib.mkOption {
      type = lib.types.port;
      default = 4317;
      description = "Port of OTLP/gRPC on 127.0.0.1.";
    };

    notifications = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Desktop notifications when an agent finishes a turn or waits for you.";
    };

    export = {
      endpoint = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "https://otel-collector.example.internal:4318";
        description = "OpenTelemetry collector to export metrics to (sets OTEL_ENDPOINT for the agent).";
      };

      tokenFile = lib.mkOption {
        type = lib.types.nullOr lib.types.str;
        default = null;
        example = "/run/agenix/ai-observer-otel-token";
        description = ''
          File holding the bearer token for the export endpoint, read when the service starts
          (OTEL_BEARER_TOKEN). A path string, not a Nix path, so the token stays out of the
          Nix store.
        '';
      };
    };

    settings = lib.mkOption {
      type = yaml.type;
      default = { };
      example = lib.literalExpression ''{ sessions.quietPeriod = "30s"; }'';
      description = "More config.yaml settings (see the README's Configuration section).";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.export.tokenFile == null || !(lib.hasPrefix builtins.storeDir cfg.export.tokenFile);
        message = "services.ai-observer.export.tokenFile must not be in the Nix store (it is readable by every user).";
      }
      {
        assertion = cfg.export.tokenFile == null || cfg.export.endpoint != null;
        message = "services.ai-observer.export.tokenFile needs services.ai-observer.export.endpoint.";
      }
    ];

    home.packages = [ cfg.package ];

    # The CLI (`watch`, `doctor`), the Claude Code hooks and the service read the same file.
    xdg.configFile."ai-observer/config.yaml".source = configFile;

    systemd.user.services.ai-observer = {
      Unit = {
        Description = "ai-observer: live sessions and usage of AI coding tools";
        X-Restart-Triggers = [ "${configFile}" ];
      };
      Service = {
        Type = "simple";
        ExecStart = "${start}";
        Environment =
          [ "PATH=${lib.makeBinPath (lib.optional cfg.notifications pkgs.libnotify)}" ]
          ++ lib.optional (cfg.export.endpoint != null) "OTEL_ENDPOINT=${cfg.export.endpoint}";
        Restart = "on-failure";
        RestartSec = 5;
        MemoryHigh = "384M";
        MemoryMax = "512M";
        CPUQuota = "100%";
        NoNewPrivileges = true;
      };
      Install.WantedBy = [ "default.target" ];
    };
  };
}
