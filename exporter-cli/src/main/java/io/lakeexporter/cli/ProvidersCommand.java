package io.lakeexporter.cli;

import io.lakeexporter.cli.args.CommandSpec;
import io.lakeexporter.cli.args.ParsedArgs;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;

/** Lists the storage providers on the class path: what this jar can read and write. */
final class ProvidersCommand implements Command {

  static final CommandSpec SPEC =
      new CommandSpec(
          "lakefs-export providers",
          List.of(
              "Lists the storage providers found on the class path, each with the schemes it"
                  + " serves and the -D settings it reads (<name> stands for a bucket or account),"
                  + " then the lakeFS settings -D takes."),
          List.of(),
          List.of(),
          List.of());

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) {
    for (StorageProvider p : StorageRegistry.discover(getClass().getClassLoader())) {
      out.println(p.name() + " " + new TreeSet<>(p.schemes()));
      new TreeSet<>(p.settingKeys()).forEach(key -> out.println("  -D" + key + "=..."));
    }
    out.println("lakeFS (also from --config, LAKECTL_* variables and ~/.lakectl.yaml)");
    for (String key :
        List.of(
            LakeFsConfig.API_URL_KEY,
            LakeFsConfig.ACCESS_KEY_KEY,
            LakeFsConfig.SECRET_KEY_KEY,
            LakeFsConfig.CONNECTION_TIMEOUT_KEY,
            LakeFsConfig.READ_TIMEOUT_KEY)) {
      out.println("  -D" + key + "=...");
    }
    out.flush();
    return Main.OK;
  }
}
