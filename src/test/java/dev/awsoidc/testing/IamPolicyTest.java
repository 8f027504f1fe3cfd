package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.IamPolicy.Decision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trust-policy evaluator's IAM semantics that the SDK-driven tests in StsEmulatorTest do not reach. */
class IamPolicyTest {
    private static final String PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    private static final IamPolicy.Caller WEB = new IamPolicy.Caller("111122223333", Set.of(), PROVIDER);

    private static IamPolicy policy(String condition) {
        return IamPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"" + PROVIDER
                + "\"},\"Action\":[\"sts:AssumeRoleWithWebIdentity\",\"sts:TagSession\"],\"Condition\":" + condition + "}}");
    }

    private static Decision evaluate(IamPolicy policy, Map<String, List<String>> context) {
        return policy.evaluate("sts:AssumeRoleWithWebIdentity", WEB, context);
    }

    @Test
    void conditionKeysAreCaseInsensitiveValuesAreNot() {
        IamPolicy p = policy("{\"StringEquals\":{\"Token.Actions.GitHubUserContent.com:aud\":\"sts.amazonaws.com\"}}");
        assertEquals(Decision.ALLOW, evaluate(p, Map.of("token.actions.githubusercontent.com:aud", List.of("sts.amazonaws.com"))));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(p, Map.of("token.actions.githubusercontent.com:aud", List.of("STS.amazonaws.com"))));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"StringEqualsIgnoreCase\":{\"k\":\"ABC\"}}"), Map.of("k", List.of("abc"))));
    }

    @Test
    void missingKeys() {
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"StringLike\":{\"k\":\"*\"}}"), Map.of()));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"StringNotEquals\":{\"k\":\"x\"}}"), Map.of()));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"StringEqualsIfExists\":{\"k\":\"x\"}}"), Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"StringEqualsIfExists\":{\"k\":\"x\"}}"), Map.of("k", List.of("y"))));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"Null\":{\"k\":\"true\"}}"), Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"Null\":{\"k\":\"true\"}}"), Map.of("k", List.of("v"))));
    }

    @Test
    void setOperatorsOnMultiValuedKeys() {
        var tags = Map.of("aws:TagKeys", List.of("Repository", "Actor"));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"Actor\"}}"), tags));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":\"Actor\"}}"), tags));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"Repo*\",\"Act?r\"]}}"), tags));
        assertEquals(Decision.ALLOW, evaluate(policy("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":\"Actor\"}}"), Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"Actor\"}}"), Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"StringNotLike\":{\"aws:TagKeys\":\"Act*\"}}"), tags));
    }

    @Test
    void wildcardsAndLiterals() {
        IamPolicy p = policy("{\"StringLike\":{\"k\":\"repo:o/r:ref:refs/heads/release-?.*\"}}");
        assertEquals(Decision.ALLOW, evaluate(p, Map.of("k", List.of("repo:o/r:ref:refs/heads/release-1.2"))));
        assertEquals(Decision.IMPLICIT_DENY, evaluate(p, Map.of("k", List.of("repo:o/r:ref:refs/heads/release-10"))));
        // Regex characters in a StringLike value are literal.
        assertEquals(Decision.IMPLICIT_DENY, evaluate(policy("{\"StringLike\":{\"k\":\"a.c\"}}"), Map.of("k", List.of("abc"))));
    }

    @Test
    void principalsAndActions() {
        IamPolicy p = IamPolicy.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:Assume*\"}]}");
        var user = new IamPolicy.Caller("444455556666", Set.of("arn:aws:iam::444455556666:user/u"), null);
        assertEquals(Decision.ALLOW, p.evaluate("sts:AssumeRole", user, Map.of()));
        assertEquals(Decision.ALLOW, p.evaluate("STS:assumerolewithwebidentity", WEB, Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, p.evaluate("sts:TagSession", user, Map.of()));
        // A Federated principal never matches an AWS caller, nor "AWS": "*" a web identity.
        IamPolicy aws = IamPolicy.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\",\"Federated\":\"" + PROVIDER + "x\"},\"Action\":\"*\"}]}");
        assertEquals(Decision.IMPLICIT_DENY, aws.evaluate("sts:AssumeRoleWithWebIdentity", WEB, Map.of()));
        assertEquals(Decision.ALLOW, aws.evaluate("sts:AssumeRole", user, Map.of()));
    }

    @Test
    void unsupportedOrMalformedDocumentsAreRefused() {
        for (String bad : List.of("{", "{\"Statement\":[]}", "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"*\"}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"sts:TagSession\"}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Condition\":{\"ForSomeValues:StringEquals\":{\"k\":\"v\"}}}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Condition\":{\"NumericLessThan\":{\"k\":\"1\"}}}]}")) {
            var e = assertThrows(IllegalArgumentException.class, () -> IamPolicy.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }
}
