package dev.awsoidc.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A role trust policy document, evaluated the way IAM does for what STS sees: an explicit Deny in a matching
 * statement wins, else any matching Allow, else an implicit deny. Supports Principal AWS (ARN, account,
 * {@code :root}, {@code *}) and Federated, Action string or list with wildcards, and the String* condition
 * operators (with ForAnyValue:/ForAllValues: and ...IfExists) plus Null. Anything else is refused when the
 * document is parsed, so a test never passes on a clause the emulator silently ignored.
 */
final class IamPolicy {
    enum Decision { ALLOW, EXPLICIT_DENY, IMPLICIT_DENY }

    /**
     * Who asks. {@code awsArns}: the ARNs an AWS principal matches (a user's ARN; a role session's ARN and its
     * role's ARN); {@code federated}: the OIDC provider ARN for web identity, else null.
     */
    record Caller(String account, Set<String> awsArns, String federated) {}

    private record Condition(String set, String operator, boolean ifExists, String key, List<String> values) {}

    private record Statement(boolean allow, List<String> actions, Map<String, List<String>> principals, List<Condition> conditions) {}

    private static final Set<String> OPERATORS = Set.of("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "Null");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROOT = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):root");

    private final List<Statement> statements;

    private IamPolicy(List<Statement> statements) {
        this.statements = statements;
    }

    /** Parses a policy document; IllegalArgumentException naming what is wrong or unsupported. */
    static IamPolicy parse(String json) {
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("trust policy is not a JSON object: " + e.getMessage(), e);
        }
        Object raw = doc.get("Statement");
        List<?> items = raw instanceof List<?> l ? l : raw == null ? List.of() : List.of(raw);
        if (items.isEmpty()) throw new IllegalArgumentException("trust policy has no Statement");
        List<Statement> statements = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> s)) throw new IllegalArgumentException("Statement entry is not an object: " + item);
            for (Object key : s.keySet()) {
                if (!Set.of("Sid", "Effect", "Principal", "Action", "Condition").contains(key)) {
                    throw new IllegalArgumentException("unsupported statement element: " + key);
                }
            }
            boolean allow = switch (String.valueOf(s.get("Effect"))) {
                case "Allow" -> true;
                case "Deny" -> false;
                default -> throw new IllegalArgumentException("Effect must be Allow or Deny: " + s.get("Effect"));
            };
            List<String> actions = strings(s.get("Action"), "Action");
            if (actions.isEmpty()) throw new IllegalArgumentException("statement has no Action");
            Map<String, List<String>> principals = new TreeMap<>();
            switch (s.get("Principal")) {
                case String star when star.equals("*") -> principals.put("*", List.of("*"));
                case Map<?, ?> p -> p.forEach((type, value) -> {
                    if (!Set.of("AWS", "Federated", "Service").contains(String.valueOf(type))) {
                        throw new IllegalArgumentException("unsupported Principal type: " + type);
                    }
                    principals.put(String.valueOf(type), strings(value, "Principal " + type));
                });
                case null, default -> throw new IllegalArgumentException("a trust policy statement needs a Principal: " + s.get("Principal"));
            }
            List<Condition> conditions = new ArrayList<>();
            if (s.get("Condition") instanceof Map<?, ?> c) {
                c.forEach((op, block) -> {
                    String name = String.valueOf(op);
                    String set = null;
                    int colon = name.indexOf(':');
                    if (colon > 0) {
                        set = name.substring(0, colon);
                        if (!set.equals("ForAnyValue") && !set.equals("ForAllValues")) throw new IllegalArgumentException("unsupported set operator: " + name);
                        name = name.substring(colon + 1);
                    }
                    boolean ifExists = name.endsWith("IfExists");
                    if (ifExists) name = name.substring(0, name.length() - "IfExists".length());
                    if (!OPERATORS.contains(name)) throw new IllegalArgumentException("unsupported condition operator: " + op);
                    if (!(block instanceof Map<?, ?> keys)) throw new IllegalArgumentException("condition " + op + " is not an object");
                    for (var e : keys.entrySet()) {
                        conditions.add(new Condition(set, name, ifExists, String.valueOf(e.getKey()), strings(e.getValue(), String.valueOf(e.getKey()))));
                    }
                });
            } else if (s.get("Condition") != null) {
                throw new IllegalArgumentException("Condition is not an object");
            }
            statements.add(new Statement(allow, actions, principals, List.copyOf(conditions)));
        }
        return new IamPolicy(List.copyOf(statements));
    }

    /** {@code context}: condition key (any case) to its values; a missing key is an absent one. */
    Decision evaluate(String action, Caller caller, Map<String, List<String>> context) {
        Map<String, List<String>> ctx = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ctx.putAll(context);
        boolean allowed = false;
        for (Statement s : statements) {
            if (!matchesAction(s, action) || !matchesPrincipal(s, caller)) continue;
            if (!s.conditions().stream().allMatch(c -> holds(c, ctx))) continue;
            if (!s.allow()) return Decision.EXPLICIT_DENY;
            allowed = true;
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    private static boolean matchesAction(Statement s, String action) {
        return s.actions().stream().anyMatch(a -> glob(a.toLowerCase(Locale.ROOT)).matcher(action.toLowerCase(Locale.ROOT)).matches());
    }

    private static boolean matchesPrincipal(Statement s, Caller caller) {
        if (s.principals().containsKey("*")) return true;
        if (caller.federated() != null) {
            return s.principals().getOrDefault("Federated", List.of()).contains(caller.federated());
        }
        for (String p : s.principals().getOrDefault("AWS", List.of())) {
            if (p.equals("*") || caller.awsArns().contains(p)) return true;
            var root = ROOT.matcher(p);
            if ((root.matches() && root.group(1).equals(caller.account())) || (ACCOUNT.matcher(p).matches() && p.equals(caller.account()))) return true;
        }
        return false;
    }

    private static boolean holds(Condition c, Map<String, List<String>> ctx) {
        List<String> actual = ctx.get(c.key());
        boolean absent = actual == null || actual.isEmpty();
        if (c.operator().equals("Null")) {
            return c.values().stream().anyMatch(v -> Boolean.parseBoolean(v) == absent);
        }
        if (absent) {
            if (c.ifExists() || "ForAllValues".equals(c.set())) return true;
            if ("ForAnyValue".equals(c.set())) return false;
            return c.operator().contains("Not"); // a negated operator on a missing key holds, as in IAM
        }
        boolean negated = c.operator().contains("Not");
        var matchesAny = (java.util.function.Predicate<String>) v -> c.values().stream().anyMatch(p -> matches(c.operator(), p, v));
        var test = negated ? matchesAny.negate() : matchesAny;
        if ("ForAllValues".equals(c.set())) return actual.stream().allMatch(test);
        if ("ForAnyValue".equals(c.set())) return actual.stream().anyMatch(test);
        return negated ? actual.stream().allMatch(test) : actual.stream().anyMatch(test);
    }

    private static boolean matches(String operator, String pattern, String value) {
        return switch (operator) {
            case "StringEquals", "StringNotEquals" -> pattern.equals(value);
            case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase" -> pattern.equalsIgnoreCase(value);
            case "StringLike", "StringNotLike" -> glob(pattern).matcher(value).matches();
            default -> throw new IllegalStateException(operator);
        };
    }

    /** IAM's StringLike: '*' any run of characters, '?' exactly one, everything else literal. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static List<String> strings(Object value, String what) {
        return switch (value) {
            case null -> List.of();
            case String s -> List.of(s);
            case Number n -> List.of(n.toString());
            case Boolean b -> List.of(b.toString());
            case List<?> list -> list.stream().map(v -> {
                if (v instanceof Map || v instanceof List) throw new IllegalArgumentException(what + " values must be strings: " + v);
                return String.valueOf(v);
            }).toList();
            default -> throw new IllegalArgumentException(what + " must be a string or a list of strings: " + value);
        };
    }
}
