package io.lakeexporter.cli;

import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageRegistry;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Lists the storage providers on the class path: what this jar can read and write. */
@Command(name = "providers", description = "Lists the storage providers found on the class path.")
final class ProvidersCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    for (StorageProvider p : StorageRegistry.discover(getClass().getClassLoader())) {
      spec.commandLine().getOut().println(p.name() + " " + new TreeSet<>(p.schemes()));
    }
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
