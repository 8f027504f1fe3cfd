package dev.awsoidc.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** The project's pom.xml, read with the JDK's DOM parser, for the lint tests: plugins, dependencies, properties. */
final class PomFile {
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  /** A plugin or dependency: its coordinates, its version as written (empty if none), and its element. */
  record Artifact(String groupId, String artifactId, String version, Element element) {
    String key() {
      return groupId + ":" + artifactId;
    }
  }

  private final Element project;
  private final Map<String, String> properties = new TreeMap<>();

  PomFile() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      project = factory.newDocumentBuilder().parse(ProjectFiles.path("pom.xml").toFile()).getDocumentElement();
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("cannot parse pom.xml", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    child(project, "properties").ifPresent(p -> children(p).forEach(e -> properties.put(e.getTagName(), text(e))));
  }

  /** {@code <build><plugins>} or, with {@code managed}, {@code <build><pluginManagement><plugins>}. */
  List<Artifact> plugins(boolean managed) {
    Optional<Element> build = child(project, "build");
    Optional<Element> plugins = managed
        ? build.flatMap(b -> child(b, "pluginManagement")).flatMap(m -> child(m, "plugins"))
        : build.flatMap(b -> child(b, "plugins"));
    return plugins.map(p -> artifacts(p, "org.apache.maven.plugins")).orElse(List.of());
  }

  /** {@code <dependencies>} or, with {@code managed}, {@code <dependencyManagement><dependencies>}. */
  List<Artifact> dependencies(boolean managed) {
    Optional<Element> dependencies = managed
        ? child(project, "dependencyManagement").flatMap(m -> child(m, "dependencies"))
        : child(project, "dependencies");
    return dependencies.map(d -> artifacts(d, "")).orElse(List.of());
  }

  /** {@code ${name}} replaced by the pom's property (one level: the pom defines versions only directly). */
  String resolve(String value) {
    Matcher m = PROPERTY.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (m.find()) m.appendReplacement(resolved, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group())));
    return m.appendTail(resolved).toString();
  }

  static Optional<Element> child(Element parent, String name) {
    return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst();
  }

  static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) elements.add(e);
    }
    return elements;
  }

  static String text(Element element) {
    return element.getTextContent().strip();
  }

  static String childText(Element parent, String name) {
    return child(parent, name).map(PomFile::text).orElse("");
  }

  private static List<Artifact> artifacts(Element list, String defaultGroupId) {
    return children(list).stream()
        .map(e -> new Artifact(child(e, "groupId").map(PomFile::text).orElse(defaultGroupId),
            childText(e, "artifactId"), childText(e, "version"), e))
        .toList();
  }
}
