package dev.baton.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LeaderUrisTest {

    @Test
    void keepsThePathAndQueryOfTheRequestOnTheLeadersOrigin() {
        assertEquals(URI.create("http://10.0.0.2:8080/orders/42?full=true"), LeaderUris.onLeader(
                URI.create("http://10.0.0.2:8080"), URI.create("http://10.0.0.1:8080/orders/42?full=true")));
    }

    @Test
    void appendsToThePathOfTheUrl() {
        assertEquals(URI.create("https://b.example/shop/orders/42"), LeaderUris.onLeader(
                URI.create("https://b.example/shop/"), URI.create("/orders/42")));
    }

    @Test
    void keepsEncodedCharactersAsTheyAre() {
        assertEquals(URI.create("http://b:1/a%20b/%C3%BC?q=x%26y"), LeaderUris.onLeader(
                URI.create("http://b:1"), URI.create("http://a:1/a%20b/%C3%BC?q=x%26y")));
    }

    @Test
    void anEmptyPathBecomesTheRoot() {
        assertEquals(URI.create("http://b:1/"), LeaderUris.onLeader(URI.create("http://b:1"), URI.create("http://a:1")));
    }
}
